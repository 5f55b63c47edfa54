import Foundation
import TensorFormats
import WGAN
import WGANEngine
import WGANModels
import XCTest

/// Checkpoints name their model, and what reads them rebuilds that model from the file alone.
final class ModelCheckpointTests: XCTestCase {
    /// A tiny run of the paper's MNIST model: width 4, two critic steps per generator step.
    private func tinyDCGANRun(in folder: URL) throws -> RunDirectory {
        var options = QuickRun.options(maxSteps: 1, criticSteps: 2)
        options.model = "mnist-dcgan"
        options.width = 4
        options.imageLimit = 40
        options.batchSize = 10
        let trainer = try QuickRun.start(options, in: folder)
        XCTAssertEqual(try trainer.train(stopRequested: { false }), .reachedMaxSteps)
        XCTAssertEqual(trainer.config.latentDimension, 128, "the model's own latent size")
        return RunDirectory(url: trainer.run.url)
    }

    func testAnMNISTModelCheckpointRebuildsItsGenerator() throws {
        let run = try tinyDCGANRun(in: try temporaryFolder().appendingPathComponent("run"))
        let file = try SafeTensors(contentsOf: run.generatorURL)
        XCTAssertEqual(file.metadata["role"], "generator")
        XCTAssertEqual(ModelSpec(jsonString: try XCTUnwrap(file.metadata["model"])),
                       ModelSpec(model: "mnist-dcgan", latentDimension: 128, width: 4, imageShape: [1, 28, 28]))
        XCTAssertEqual(Set(file.names), ["linear.weight", "linear.bias", "deconv1.weight", "deconv1.bias", "deconv2.weight",
                                         "deconv2.bias", "deconv3.weight", "deconv3.bias"])
        let sampler = try GeneratorSampler(checkpoint: run.url)
        XCTAssertTrue(sampler.generator is MNISTDCGANGenerator)
        let images = try sampler.images(for: sampler.noise(count: 3, seed: 1))
        XCTAssertEqual(images.shape, [3, 1, 28, 28])
        XCTAssertTrue(images.scalars.allSatisfy { $0 > 0 && $0 < 1 }, "a sigmoid generator's range")
        let config = try String(contentsOf: run.configURL, encoding: .utf8)
        XCTAssertTrue(config.contains(#""model" : "mnist-dcgan""#) && config.contains(#""dim" : 4"#), config)

        assertTrainingError("not a generator checkpoint (it holds a critic)") { try GeneratorSampler(checkpoint: run.criticURL) }
        // A file whose metadata names another model than its weights are: one line, no guessing.
        var relabelled = file
        relabelled.metadata["model"] = ModelSpec(model: "seed", latentDimension: 128, width: 4, imageShape: [1, 28, 28]).jsonString
        let wrong = run.url.appendingPathComponent("relabelled.safetensors")
        try relabelled.write(to: wrong)
        assertTrainingError("checkpoint \(wrong.path): ") { try GeneratorSampler(checkpoint: wrong) }
        relabelled.metadata["model"] = #"{"model":"stylegan"}"#
        try relabelled.write(to: wrong)
        assertTrainingError("its metadata names no model this version knows") { try GeneratorSampler(checkpoint: wrong) }

        var other = TrainingOptions()
        other.model = "seed"
        assertTrainingError("--model cannot be changed when resuming: the run was trained with --model mnist-dcgan") {
            try QuickRun.resume(run.url, other)
        }
        var more = TrainingOptions()
        more.maxSteps = 2
        XCTAssertEqual(try QuickRun.resume(run.url, more).train(stopRequested: { false }), .reachedMaxSteps)
    }

    /// A generator file written before checkpoints named their model is read as the seed's.
    func testASeedCheckpointWithoutAModelInItsMetadataStillLoads() throws {
        let folder = try temporaryFolder().appendingPathComponent("run")
        let trainer = try QuickRun.start(QuickRun.options(maxSteps: 1), in: folder)
        var file = try SafeTensors(contentsOf: trainer.run.generatorURL)
        XCTAssertEqual(file.metadata["model"].flatMap(ModelSpec.init(jsonString:))?.model, "seed")
        file.metadata = [:]
        let old = folder.appendingPathComponent("old.safetensors")
        try file.write(to: old)
        let sampler = try GeneratorSampler(checkpoint: old)
        XCTAssertEqual(sampler.spec, ModelSpec(model: "seed", latentDimension: 100, width: 64, imageShape: [1, 28, 28]))
    }
}
