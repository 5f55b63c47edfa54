import Foundation
import WGAN
import WGANEngine
import WGANModels
import WGANNN
import XCTest

/// A model that `wgan` does not list trains, resumes and samples through the library, as a
/// Swift user's own pair does (`Examples/CustomModel` is the whole program).
final class LibraryTests: XCTestCase {
    /// The seed's layers under another name, with a preset of its own.
    struct RenamedMLP: GANModel {
        var name: String { "renamed-mlp" }
        var summary: String { "the seed's MLPs under another name" }
        var samples: SampleKind { .images(side: 28, channels: [1]) }
        var defaultImageShape: [Int] { [1, 28, 28] }
        var defaultLatentDimension: Int { 12 }
        var defaultWidth: Int { 1 }
        var pixelValues: PixelValues { .symmetric }
        var interpolation: InterpolationForm { .seed }
        var presets: [ModelPreset] { [ModelPreset(name: "renamed", summary: "a test's", batchSize: 16, lambda: 10, beta1: 0.5, iterations: 50)] }
        func makeGenerator(_ spec: ModelSpec, using rng: inout RandomGenerator) -> any ImageGenerator {
            SeedGenerator(latentDimension: spec.latentDimension, imageShape: spec.imageShape, using: &rng)
        }
        func makeCritic(_ spec: ModelSpec, using rng: inout RandomGenerator) -> Module { SeedCritic(inputSize: 784, using: &rng) }
        func sizes(_ spec: ModelSpec) -> [ModelSize] { SeedModel().sizes(spec) }
    }

    func testAModelOutsideTheCatalogueTrainsResumesAndSamples() throws {
        let run = try temporaryFolder().appendingPathComponent("run")
        var options = TrainingOptions()
        (options.imageLimit, options.maxSteps, options.threads) = (64, 2, 1)
        let console = QuickRun.Console()
        XCTAssertEqual(try TrainingRun.train(RenamedMLP(), options: options, out: run, console: console.session), .reachedMaxSteps)
        let record = RunRecord.read(from: run.appendingPathComponent("config.json"))
        XCTAssertEqual(record?.settings.model, "renamed-mlp")
        XCTAssertEqual(record?.settings.preset, "renamed", "the model's own preset")
        XCTAssertEqual(record?.settings.batchSize, 16)
        XCTAssertEqual(record?.settings.criticSteps, 5)
        for file in ["report.html", "checkpoints/generator.safetensors", "checkpoints/training_state.safetensors"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), file)
        }
        XCTAssertTrue(console.lines.last?.hasPrefix("stopped at step 2 (--max-steps;") == true, "\(console.lines)")

        var more = TrainingOptions()
        more.maxSteps = 3
        XCTAssertEqual(try TrainingRun.resume(run, model: RenamedMLP(), options: more, console: console.session), .reachedMaxSteps)
        assertTrainingError("unknown --model 'renamed-mlp' (expected seed, mnist-dcgan") {
            try TrainingSession.resume(run, options: more, console: console.session)
        }

        let sampler = try GeneratorSampler(checkpoint: run, catalogue: ModelCatalogue.builtIn.adding(RenamedMLP()))
        XCTAssertEqual(try sampler.images(for: sampler.noise(count: 2, seed: 1)).shape, [2, 1, 28, 28])
        assertTrainingError("its model 'renamed-mlp' is not one of seed, mnist-dcgan") { try GeneratorSampler(checkpoint: run) }
    }
}
