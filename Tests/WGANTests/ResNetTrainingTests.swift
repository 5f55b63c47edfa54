import Foundation
@testable import WGAN
import TensorFormats
@testable import WGANData
import WGANEngine
@testable import WGANModels
import WGANNN
import WGANOptim
import WGANTestSupport
import XCTest

/// `--preset paper-cifar-resnet` and the settings it brings: the learning-rate decay over
/// `--iterations` (and that a resumed run continues it), the generator's own batch size, and the
/// official data path's dequantised pixels.
final class ResNetTrainingTests: XCTestCase {
    override func tearDown() { Parallel.threads = 1 }

    func testThePresetIsTheOfficialScriptsSettings() throws {
        var options = TrainingOptions()
        options.preset = "paper-cifar-resnet"
        let config = try options.freshConfig()
        XCTAssertEqual(config.model, "cifar-resnet")
        XCTAssertEqual([config.width, config.latentDimension, config.batchSize, config.generatorBatchSize, config.criticSteps, config.iterations],
                       [128, 128, 64, 128, 5, 100_000])
        XCTAssertEqual([config.criticLearningRate, config.generatorLearningRate, config.beta1, config.beta2, config.lambda],
                       [2e-4, 2e-4, 0, 0.9, 10])
        XCTAssertEqual(config.decay, .linear)
        XCTAssertTrue(config.dequantize)
        let saved = try TrainingConfig(jsonString: config.jsonString())
        XCTAssertEqual(saved, config)
        XCTAssertTrue(config.jsonString().contains("\"lr_decay\":\"linear\""), config.jsonString())
        // A run saved before these settings existed reads as it trained: no decay, one batch size, plain pixels.
        var json = try JSONSerialization.jsonObject(with: Data(TrainingConfig().jsonString().utf8)) as! [String: Any]
        for key in ["lr_decay", "generator_batch_size", "dequantize"] { json.removeValue(forKey: key) }
        let old = try TrainingConfig(jsonString: String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self))
        XCTAssertEqual(old.decay, .none)
        XCTAssertNil(old.generatorBatchSize)
        XCTAssertFalse(old.dequantize)
    }

    /// The rates follow the official schedule step by step, and a resumed run continues it (the
    /// decay is a saved setting a resume may not change).
    func testTheTrainerDecaysTheRatesAndAResumedRunContinues() throws {
        let folder = try temporaryFolder()
        var options = try ModelTestData.options(for: CIFARResNetModel(), in: folder)
        options.iterations = 4
        options.learningRateDecay = "linear"
        options.criticLearningRate = 2e-4
        options.generatorLearningRate = 1e-4
        options.maxSteps = 2
        options.threads = 1
        let run = folder.appendingPathComponent("run")
        // Each trainer holds the run folder's lock while it lives: one at a time.
        func rates(_ trainer: Trainer) throws -> [Float] {
            XCTAssertEqual(try trainer.train(stopRequested: { false }), .reachedMaxSteps)
            XCTAssertEqual(trainer.config.decay, .linear)
            return [trainer.models.step.criticOptimizer.learningRate, trainer.models.step.generatorOptimizer.learningRate]
        }
        // The second cycle (one generator step done): critic steps at 1 − 1/4, the generator step at 1 − 2/4.
        XCTAssertEqual(try rates(QuickRun.start(options, in: run)), [Float(2e-4 * 0.75), Float(1e-4 * 0.5)])
        var more = TrainingOptions()
        more.maxSteps = 3
        XCTAssertEqual(try rates(QuickRun.resume(run, more)), [Float(2e-4 * 0.5), Float(1e-4 * 0.25)])
        var change = TrainingOptions()
        change.learningRateDecay = "none"
        XCTAssertThrowsError(try QuickRun.resume(run, change)) { error in
            XCTAssertEqual("\(error)", "--lr-decay cannot be changed when resuming: the run was trained with --lr-decay linear")
        }
    }

    /// With a generator batch of its own, each generator step gets fresh z of that size; the
    /// critic steps keep theirs.
    func testTheGeneratorStepTakesItsOwnBatchSize() {
        let step = RecordingStep()
        var source = Batches(count: 3)
        let iteration = TrainingIteration(step: step, criticSteps: 2, latentDimension: 5, generatorBatchSize: 7)
        XCTAssertNotNil(iteration.run(&source))
        XCTAssertEqual(step.criticLatentShapes, [[3, 5], [3, 5]])
        XCTAssertEqual(step.generatorLatentShapes, [[7, 5]])
        // One critic step and no size of its own: the seed's reuse of the critic's z.
        let seed = RecordingStep()
        XCTAssertNotNil(TrainingIteration(step: seed, criticSteps: 1, latentDimension: 5).run(&source))
        XCTAssertTrue(seed.reusedCriticZ)
    }

    /// A `cifar-resnet` checkpoint holds exactly the names, shapes and dtypes of
    /// torch_cifar_resnet.py's state dicts (the fixture's `init.G.*` and `init.D.*` are those,
    /// dumped by PyTorch), so `load_state_dict(strict=True)` accepts it; for both variants.
    func testACheckpointHasThePyTorchStateDictsLayout() throws {
        let fixture = try PyTorchFixture("resnet_steps")
        for (prefix, classes) in [("uncond.", 0), ("cond.", 10)] {
            var rng = RandomGenerator(seed: 0)
            let spec = CIFARResNetModel().spec(width: 16)
            let pair: [(String, Module, ModelStateFile.Role)] = [
                ("G", CIFARResNetGenerator(width: 16, classes: classes, using: &rng), .generator),
                ("D", CIFARResNetCritic(width: 16, classes: classes, using: &rng), .critic),
            ]
            for (role, module, fileRole) in pair {
                let file = try ModelStateFile.contents(of: module, role: fileRole, spec: spec)
                let expected = fixture.file.names.filter { $0.hasPrefix("\(prefix)init.\(role).") }
                XCTAssertEqual(Set(file.names), Set(expected.map { String($0.dropFirst("\(prefix)init.\(role).".count)) }), prefix + role)
                for name in file.names {
                    let source = "\(prefix)init.\(role).\(name)"
                    XCTAssertEqual(try file.shape(of: name), try fixture.file.shape(of: source), source)
                    XCTAssertEqual(try file.dtype(of: name), try fixture.file.dtype(of: source), source)
                }
            }
        }
    }

    /// PyTorch's cross-entropy: its value, and its gradient (softmax − one-hot)/N.
    func testCrossEntropy() {
        let logits = Tensor([1, 2, 3, 0, 0, 0], shape: [2, 3]).requiringGrad()
        let loss = crossEntropy(logits: logits, labels: [2, 1])
        XCTAssertEqual(loss.item, 0.75310913, accuracy: 1e-6)
        let g = gradients(of: loss, withRespectTo: [logits])[0].scalars
        let e = [1, 2, 3].map { Float(Foundation.exp(Double($0))) }, total = e.reduce(0, +)
        let third: Float = 1.0 / 3
        let softmaxMinusOneHot: [Float] = [e[0] / total, e[1] / total, e[2] / total - 1, third, third - 1, third]
        let expected = softmaxMinusOneHot.map { $0 / 2 }
        for (a, b) in zip(g, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    /// The conditional pair: per-class norms in the generator's blocks (the last norm stays
    /// plain), the AC-GAN head in the critic, the reference's state-dict names.
    func testTheConditionalModelsShapesAndNames() {
        var rng = RandomGenerator(seed: 1)
        let generator = CIFARResNetGenerator(width: 4, latentDimension: 8, classes: 10, using: &rng)
        let critic = CIFARResNetCritic(width: 4, classes: 10, using: &rng)
        let names = Set(generator.stateDict.map(\.name))
        XCTAssertTrue(names.isSuperset(of: ["block1.n1.scale", "block1.n1.offset", "block3.n2.bn.running_mean", "norm.bn.weight"]))
        XCTAssertFalse(names.contains("block1.n1.bn.weight"), "the conditional norms' BatchNorm is affine-free")
        XCTAssertEqual(generator.blocks[0].n1.scale?.shape, [10, 4])
        let images = withoutGrad { generator(Tensor.randn([3, 8], using: &rng), labels: [0, 9, 4]) }
        XCTAssertEqual(images.shape, [3, 3, 32, 32])
        let (scores, logits) = withoutGrad { critic.heads(images) }
        XCTAssertEqual(scores.shape, [3, 1])
        XCTAssertEqual(logits?.shape, [3, 10])
        XCTAssertEqual(critic.namedParameters.suffix(2).map(\.name), ["acgan.weight", "acgan.bias"])
        // A class's scale and offset move only that class's samples.
        generator.blocks[0].n1.offset!.storage.pointer[4 * 9] = 5
        let moved = withoutGrad { generator(Tensor.randn([2, 8], using: &rng), labels: [9, 9]) }
        XCTAssertEqual(moved.shape, [2, 3, 32, 32])
    }

    /// 2·(x/256 − 0.5) plus U[0, 1/128): every pixel lies in its byte's bin, the noise is fresh for
    /// every batch, and a resumed stream draws the same noise.
    func testDequantisedPixels() throws {
        XCTAssertEqual(PixelRange.dequantized.table[0], -1)
        XCTAssertEqual(PixelRange.dequantized.table[128], 0)
        XCTAssertEqual(PixelRange.dequantized.table[255], 0.9921875)
        let bytes: [UInt8] = (0..<48).map { (i: Int) -> UInt8 in UInt8((i * 37) % 256) }
        let dataset = ImageDataset(channels: 3, height: 2, width: 2, pixelBytes: bytes, labels: [0, 1, 2, 3])
        let images = ImageSource.Images(dataset: dataset, batches: try dataset.batches(permutation: [0, 1, 2, 3], batchSize: 4),
                                        range: .dequantized)
        var progress = TrainingProgress(seed: 1)
        let saved = progress
        let batch = images.batch(at: 0, progress: &progress, rows: { 0..<$0 }).samples.scalars
        let afterOneBatch = progress.dataRandom
        let noise = zip(batch, bytes).map { Double($0) - (Double($1) / 128 - 1) }
        XCTAssertGreaterThanOrEqual(noise.min()!, 0)
        XCTAssertLessThan(noise.max()!, 1.0 / 128 + 1e-6)
        XCTAssertGreaterThan(noise.max()! - noise.min()!, 0.5 / 128, "the noise spreads over the bin")
        XCTAssertNotEqual(images.batch(at: 0, progress: &progress, rows: { 0..<$0 }).samples.scalars, batch, "fresh noise per batch")
        // A rank's rows: its slice of the whole batch's values, drawn from the same stream.
        var again = saved
        XCTAssertEqual(images.batch(at: 0, progress: &again, rows: { _ in 1..<3 }).samples.scalars, Array(batch[12..<36]))
        XCTAssertEqual(again.dataRandom, afterOneBatch, "every rank draws the whole batch's noise")
    }
}

/// The real batches of one iteration: `count` rows of zeros, as many as asked.
private struct Batches: IterationSource {
    let count: Int
    var noise = RandomGenerator(seed: 2)
    func nextRealBatch() -> RealBatch? { RealBatch(Tensor.zeros([count, 1])) }
}

/// A step that records the latent batches it is given.
private final class RecordingStep: AdversarialStep {
    let generator = Module(), critic = Module()
    let generatorOptimizer: Optimizer = SGD(parameters: [], learningRate: 1)
    let criticOptimizer: Optimizer = SGD(parameters: [], learningRate: 1)
    var gradientReduction: (any GradientReduction)?
    var criticLatentShapes: [[Int]] = [], generatorLatentShapes: [[Int]] = []
    private var lastCriticZ: Tensor?
    var reusedCriticZ = false

    func criticStep(real: Tensor, z: Tensor, alpha: Tensor) -> CriticStepResult {
        criticLatentShapes.append(z.shape)
        lastCriticZ = z
        return CriticStepResult(fake: real, criticReal: Tensor.zeros([real.shape[0], 1]), criticFake: Tensor.zeros([real.shape[0], 1]),
                                inputGradient: nil, penalty: 0, loss: 0, criticGradientParts: [])
    }

    func generatorStep(z: Tensor) -> Float {
        generatorLatentShapes.append(z.shape)
        reusedCriticZ = lastCriticZ === z
        return 0
    }
}
