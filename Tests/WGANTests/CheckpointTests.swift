import Foundation
import TensorFormats
import WGAN
import WGANModels
import WGANEngine
import XCTest

/// Reading checkpoints back: the sampler, and the errors for files that do not fit.
final class CheckpointTests: XCTestCase {
    private var folder: URL!
    private var trainer: Trainer!

    override func setUpWithError() throws {
        folder = try temporaryFolder()
        trainer = try QuickRun.start(QuickRun.options(maxSteps: 2), in: folder.appendingPathComponent("run"))
        XCTAssertEqual(try trainer.train(stopRequested: { false }), .reachedMaxSteps)
    }

    func testSamplerFindsTheGeneratorFromARunFolderAndUsesRunningStatistics() throws {
        for path in [trainer.run.url, trainer.run.checkpointsURL, trainer.run.generatorURL] {
            XCTAssertEqual(try GeneratorSampler(checkpoint: path).checkpoint, trainer.run.generatorURL)
        }
        let sampler = try GeneratorSampler(checkpoint: trainer.run.url)
        XCTAssertEqual(sampler.latentDimension, 100)
        let z = sampler.noise(count: 6, seed: 3)
        XCTAssertEqual(z.shape, [6, 100])
        XCTAssertEqual(z.scalars, sampler.noise(count: 6, seed: 3).scalars)

        let running = try sampler.images(for: z)
        XCTAssertEqual(running.shape, [6, 1, 28, 28])
        XCTAssertTrue(running.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
        trainer.models.generator.eval()
        let expected = withoutGrad { trainer.models.generator(z) }
        XCTAssertEqual(running.scalars, expected.scalars, "the default is PyTorch's eval mode")

        let statistics = (sampler.generator as! SeedGenerator).bn4.runningVar.scalars
        let counter = (sampler.generator as! SeedGenerator).bn4.numBatchesTracked.value
        let batch = try sampler.images(for: z, batchNorm: .batch)
        XCTAssertNotEqual(batch.scalars, running.scalars)
        XCTAssertEqual((sampler.generator as! SeedGenerator).bn4.runningVar.scalars, statistics, "batch statistics leave the model alone")
        XCTAssertEqual((sampler.generator as! SeedGenerator).bn4.numBatchesTracked.value, counter)
        assertTrainingError("--batch-norm batch needs at least 2 samples") {
            try sampler.images(for: sampler.noise(count: 1, seed: 0), batchNorm: .batch)
        }
    }

    func testSamplerWritesArraysAndGridsAndReadsLatentFiles() throws {
        let sampler = try GeneratorSampler(checkpoint: trainer.run.url)
        let zURL = folder.appendingPathComponent("z.npy")
        let values = (0..<(4 * 100)).map { Float($0 % 17) / 17 - 0.5 }
        try NPYArray(shape: [4, 100], values: values).write(to: zURL)
        let z = try sampler.noise(from: zURL)
        XCTAssertEqual(z.scalars, values)
        let images = try sampler.images(for: z)
        let npyURL = folder.appendingPathComponent("out.npy")
        try GeneratorSampler.write(images, to: npyURL)
        let array = try NPYArray(contentsOf: npyURL)
        XCTAssertEqual(array.shape, [4, 1, 28, 28])
        XCTAssertEqual(array.values, images.scalars)

        try NPYArray(shape: [4, 99], values: Array(values.prefix(396))).write(to: zURL)
        assertTrainingError("has shape [4, 99]; this generator needs [N, 100]") { try sampler.noise(from: zURL) }
        try Data("not numpy".utf8).write(to: zURL)
        assertTrainingError("--z: .npy file") { try sampler.noise(from: zURL) }
        assertTrainingError("--out must end in .png or .npy, got out.jpg") {
            try GeneratorSampler.write(images, to: folder.appendingPathComponent("out.jpg"))
        }
        assertTrainingError("cannot write") {
            try GeneratorSampler.write(images, to: folder.appendingPathComponent("missing/out.png"))
        }
    }

    func testMalformedAndMismatchedCheckpointsAreRefusedInOneLine() throws {
        let generator = try SafeTensors(contentsOf: trainer.run.generatorURL)
        let bad = folder.appendingPathComponent("bad.safetensors")

        try Data("garbage".utf8).write(to: bad)
        assertTrainingError("checkpoint \(bad.path): ") { try GeneratorSampler(checkpoint: bad) }
        let bytes = try Data(contentsOf: trainer.run.generatorURL)
        try bytes.prefix(bytes.count / 2).write(to: bad)
        assertTrainingError("checkpoint \(bad.path): ") { try GeneratorSampler(checkpoint: bad) }

        assertTrainingError("not a generator checkpoint") { try GeneratorSampler(checkpoint: self.trainer.run.criticURL) }
        assertTrainingError("no such file or folder") { try GeneratorSampler(checkpoint: self.folder.appendingPathComponent("none")) }
        assertTrainingError("holds neither generator.safetensors") { try GeneratorSampler(checkpoint: self.folder) }

        var missing = SafeTensors()
        for entry in generator.entries where entry.name != "bn3.running_mean" {
            try missing.set(entry.name, dtype: entry.dtype, shape: entry.shape, bytes: entry.bytes)
        }
        try missing.write(to: bad)
        assertTrainingError("state dict lacks 'bn3.running_mean'") { try GeneratorSampler(checkpoint: bad) }

        var reshaped = generator
        try reshaped.set("linear2.bias", floats: [Float](repeating: 0, count: 255), shape: [255])
        try reshaped.write(to: bad)
        assertTrainingError("'linear2.bias' has shape [255], expected [256]") { try GeneratorSampler(checkpoint: bad) }

        var doubled = generator
        try doubled.set("bn2.weight", doubles: [Double](repeating: 1, count: 256), shape: [256])
        try doubled.write(to: bad)
        assertTrainingError("'bn2.weight' is F64 [256]; expected F32") { try GeneratorSampler(checkpoint: bad) }

        var extra = generator
        try extra.set("linear6.weight", floats: [1], shape: [1])
        try extra.write(to: bad)
        assertTrainingError("unexpected entry 'linear6.weight'") { try GeneratorSampler(checkpoint: bad) }
    }

    func testDamagedTrainingStateIsRefusedWithoutTouchingTheRun() throws {
        // The trainer holds the run folder's lock; resuming needs it gone.
        let runFolder = RunDirectory(url: trainer.run.url)
        trainer = nil
        let stateURL = runFolder.trainingStateURL
        let original = try SafeTensors(contentsOf: stateURL)
        func attempt(_ file: SafeTensors, _ fragment: String, line: UInt = #line) throws {
            try file.write(to: stateURL)
            let log = try Data(contentsOf: runFolder.logURL)
            assertTrainingError(fragment, line: line) { try QuickRun.resume(runFolder.url, TrainingOptions()) }
            XCTAssertEqual(try Data(contentsOf: runFolder.logURL), log, line: line)
        }
        var noConfig = original
        noConfig.metadata["config"] = nil
        try attempt(noConfig, "lacks the run's config")
        var badConfig = original
        badConfig.metadata["config"] = "{"
        try attempt(badConfig, "the saved settings are not readable")
        var notOurs = original
        notOurs.metadata = [:]
        try attempt(notOurs, "not a wgan training state")
        var badRandom = original
        try badRandom.set("random.noise", int64s: [0, 0, 0, 0], shape: [4])
        try attempt(badRandom, "'random.noise' is not a random generator state")
        var shortPermutation = original
        try shortPermutation.set("progress.permutation", int64s: [0, 1, 2], shape: [3])
        try attempt(shortPermutation, "its epoch order covers 3 images but the dataset now has 96")
        var noMoments = original
        var rebuilt = SafeTensors(metadata: original.metadata)
        for entry in noMoments.entries where entry.name != "optimizer.critic.exp_avg.2" {
            try rebuilt.set(entry.name, dtype: entry.dtype, shape: entry.shape, bytes: entry.bytes)
        }
        noMoments = rebuilt
        try attempt(noMoments, "optimizer state 'exp_avg.2' is missing")
        try Data("truncated".utf8).write(to: stateURL)
        assertTrainingError("checkpoint \(stateURL.path)") { try QuickRun.resume(runFolder.url, TrainingOptions()) }
        assertTrainingError("has no checkpoints/training_state.safetensors") {
            try QuickRun.resume(self.folder, TrainingOptions())
        }
    }

    /// A checkpoint is one set: when one of its files cannot be written (here the training state,
    /// whose path has become a folder), the generator and critic of the last checkpoint stay as
    /// they were, so that `sample` and `--resume` see the same step, and no temporary file is left.
    func testACheckpointThatCannotBeWrittenWholeLeavesTheLastOneWhole() throws {
        let run = try temporaryFolder().appendingPathComponent("run")
        let trainer = try QuickRun.start(QuickRun.options(epochs: 1), in: run)
        let checkpoints = run.appendingPathComponent("checkpoints")
        let names = ["generator.safetensors", "critic.safetensors"]
        let before = try names.map { try Data(contentsOf: checkpoints.appendingPathComponent($0)) }
        try FileManager.default.removeItem(at: checkpoints.appendingPathComponent("training_state.safetensors"))
        try FileManager.default.createDirectory(at: checkpoints.appendingPathComponent("training_state.safetensors"),
                                                withIntermediateDirectories: false)
        assertTrainingError("training_state.safetensors") { try trainer.train(stopRequested: { false }) }
        XCTAssertEqual(try names.map { try Data(contentsOf: checkpoints.appendingPathComponent($0)) }, before,
                       "the step-0 generator and critic are kept")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: checkpoints.path).sorted(),
                       ["critic.safetensors", "generator.safetensors", "training_state.safetensors"], "no temporary file left")
    }
}
