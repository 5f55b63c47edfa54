import Foundation
import TensorFormats
import WGAN
import WGANData
import WGANEngine
import WGANModels
import XCTest

/// The paper's toy experiments: the official gan_toy.py models and settings, trained, logged,
/// drawn and resumed like any run.
final class ToyTrainingTests: XCTestCase {
    /// A small toy run: width 16, batch 32, a frame every 2 iterations.
    private func toyOptions(iterations: Int = 4, dataset: String = "8gaussians") -> TrainingOptions {
        var options = TrainingOptions()
        options.dataset = dataset
        options.width = 16
        options.batchSize = 32
        options.frameEvery = 2
        options.iterations = iterations
        options.threads = 2
        options.seed = 5
        return options
    }

    func testAToyDatasetBringsTheOfficialToySettings() throws {
        var options = TrainingOptions()
        options.dataset = "swissroll"
        let config = try options.freshConfig()
        XCTAssertEqual(config.preset, "toy")
        XCTAssertEqual(config.model, "toy")
        XCTAssertEqual(config.width, 512)
        XCTAssertEqual(config.latentDimension, 2)
        XCTAssertEqual(config.batchSize, 256)
        XCTAssertEqual(config.criticSteps, 5)
        XCTAssertEqual(config.lambda, 0.1)
        XCTAssertEqual([config.criticLearningRate, config.generatorLearningRate, config.beta1, config.beta2], [1e-4, 1e-4, 0.5, 0.9])
        XCTAssertEqual(config.iterations, 100_000)
        XCTAssertEqual(config.dataset, "swissroll")

        var mismatched = TrainingOptions()
        mismatched.dataset = "8gaussians"
        mismatched.model = "seed"
        assertTrainingError("seed makes images; the toy datasets are 2-D points (use --model toy)") {
            try QuickRun.start(mismatched, in: try temporaryFolder().appendingPathComponent("a"))
        }
        var imagesForToy = QuickRun.options(maxSteps: 1)
        imagesForToy.model = "toy"
        assertTrainingError("the toy model makes 2-D points; the data are 1×28×28 images") {
            try QuickRun.start(imagesForToy, in: try temporaryFolder().appendingPathComponent("b"))
        }
        var fixedOnImages = QuickRun.options(maxSteps: 1)
        fixedOnImages.fixedGenerator = true
        assertTrainingError("--fixed-generator is for the toy datasets") { try fixedOnImages.freshConfig() }
        var folderForToy = toyOptions()
        folderForToy.dataDirectory = "/tmp"
        assertTrainingError("the toy datasets are drawn, not read") { try folderForToy.freshConfig() }
    }

    func testAToyRunLogsCoverageAndResumesBitForBit() throws {
        let folder = try temporaryFolder()
        let whole = folder.appendingPathComponent("whole"), split = folder.appendingPathComponent("split")
        let console = QuickRun.Console()
        var trainer: Trainer! = try QuickRun.start(toyOptions(), in: whole, console: console)
        XCTAssertTrue(trainer.models.critic is ToyCritic)
        XCTAssertEqual(trainer.fixedNoise.shape, [32, 2], "a toy frame shows a batch of generated points")
        XCTAssertEqual(try trainer.train(stopRequested: { false }), .completed)
        trainer = nil
        XCTAssertTrue(console.lines.contains { $0.hasPrefix("modes covered: ") && $0.contains(" of 8, high-quality samples: ") },
                      "\(console.lines)")
        let lines = try String(contentsOf: whole.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2, "one line per frame")
        let last = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        XCTAssertEqual(last["step"] as? Int, 4)
        XCTAssertNotNil(last["modes_covered"] as? Int)
        let share = try XCTUnwrap(last["high_quality"] as? Double)
        XCTAssertTrue((0...1).contains(share))

        var first = toyOptions()
        first.maxSteps = 3
        var stopped: Trainer! = try QuickRun.start(first, in: split)
        XCTAssertEqual(try stopped.train(stopRequested: { false }), .reachedMaxSteps)
        stopped = nil
        var rest = TrainingOptions()
        rest.maxSteps = 10
        var resumed: Trainer! = try QuickRun.resume(split, rest)
        XCTAssertEqual(try resumed.train(stopRequested: { false }), .completed)
        resumed = nil
        for name in ["generator.safetensors", "critic.safetensors", "training_state.safetensors"] {
            let a = try tensorValues(whole.appendingPathComponent("checkpoints/\(name)"))
            let b = try tensorValues(split.appendingPathComponent("checkpoints/\(name)"))
            XCTAssertEqual(a, b, name)
        }
    }

    func testTheTwentyFiveGaussianSetIsReadInOrderAcrossFrames() throws {
        let points = ToyPoints(dataset: .twentyFiveGaussians, seed: 1)
        XCTAssertEqual(points.fixedCount, 100_000)
        var unused = RandomGenerator(seed: 0)
        let first = points.batch(index: 0, size: 1000, using: &unused)
        let second = points.batch(index: 1, size: 1000, using: &unused)
        let wrapped = points.batch(index: 100, size: 1000, using: &unused)
        XCTAssertEqual(unused, RandomGenerator(seed: 0), "a set drawn once draws nothing more")
        XCTAssertNotEqual(first.scalars, second.scalars)
        XCTAssertEqual(first.scalars, wrapped.scalars, "the set starts over after 100 batches")
        XCTAssertEqual(ToyPoints(dataset: .twentyFiveGaussians, seed: 1).checksum, points.checksum)
        XCTAssertNotEqual(ToyPoints(dataset: .twentyFiveGaussians, seed: 2).checksum, points.checksum)
    }

    func testAFixedGeneratorTrainsOnlyTheCritic() throws {
        var options = toyOptions(iterations: 2, dataset: "swissroll")
        options.fixedGenerator = true
        let trainer = try QuickRun.start(options, in: try temporaryFolder().appendingPathComponent("run"))
        XCTAssertTrue(trainer.models.generator is FixedNoiseGenerator)
        XCTAssertTrue(trainer.models.generator.parameters.isEmpty)
        let before = trainer.models.critic.parameters.map { $0.scalars }
        XCTAssertEqual(try trainer.train(stopRequested: { false }), .completed)
        let after = trainer.models.critic.parameters.map { $0.scalars }
        XCTAssertNotEqual(before, after)
    }

    func testToyModelsHaveTheOfficialShapesAndInitialisation() {
        var rng = RandomGenerator(seed: 3)
        let generator = ToyGenerator(latentDimension: 2, width: 512, using: &rng)
        let critic = ToyCritic(width: 512, hiddenLayers: 12, using: &rng)
        XCTAssertEqual(generator.parameters.map(\.shape), [[512, 2], [512], [512, 512], [512], [512, 512], [512], [2, 512], [2]])
        XCTAssertEqual(generator.stateDict.map { $0.name }.prefix(3), ["layers.0.weight", "layers.0.bias", "layers.1.weight"])
        XCTAssertEqual(critic.layers.count, 13)
        XCTAssertEqual(ToyGenerator.size(latentDimension: 2, width: 512).parameters,
                       generator.parameters.reduce(0) { $0 + $1.count })
        XCTAssertEqual(ToyCritic.size(width: 512, hiddenLayers: 12).parameters, critic.parameters.reduce(0) { $0 + $1.count })
        // He-uniform hidden layers span ±√(6/fan_in); the Glorot-uniform last one ±√(6/(fan_in + fan_out)).
        let hidden = critic.layers[1].weight.storage.buffer, last = critic.layers[12].weight.storage.buffer
        XCTAssertEqual(Double(hidden.map(abs).max() ?? 0), (6.0 / 512).squareRoot(), accuracy: 0.002)
        XCTAssertEqual(Double(last.map(abs).max() ?? 0), (6.0 / 513).squareRoot(), accuracy: 0.01)
        XCTAssertTrue(critic.layers.allSatisfy { $0.bias?.storage.buffer.allSatisfy { $0 == 0 } == true })
        let (output, activations) = critic.forwardKeepingActivations(Tensor.randn([5, 2], using: &rng))
        XCTAssertEqual(output.shape, [5, 1])
        XCTAssertEqual(activations.count, 12)
        XCTAssertTrue(activations.allSatisfy { $0.shape == [5, 512] && $0.storage.buffer.allSatisfy { $0 >= 0 } })
    }
}
