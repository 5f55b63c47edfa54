import Foundation
import WGAN
import WGANEngine
import WGANModels
import WGANNN
import WGANTestSupport
import XCTest

/// What must hold for every model of the catalogue, each checked by one loop over
/// `ModelCatalogue.builtIn.models` at a small width, so that a new model is covered the day it is
/// listed: the same bits from the same --threads (and the same model from another), a resumed run equal to the uninterrupted one to
/// the bit, and a checkpoint that rebuilds the trained generator exactly.
final class EveryModelTests: XCTestCase {
    override func tearDown() { Parallel.threads = 1 }

    private let checkpointFiles = ["generator.safetensors", "critic.safetensors"]

    /// A run of `model` in `folder/name` for `steps` generator steps (a fresh start or a resume).
    @discardableResult
    private func train(_ model: any GANModel, steps: Int, threads: Int, data: URL, into run: URL, resuming: Bool = false) throws -> Trainer {
        var options = try ModelTestData.options(for: model, in: data)
        options.maxSteps = steps
        options.threads = threads
        let trainer: Trainer
        if resuming {
            var more = TrainingOptions()
            (more.maxSteps, more.threads) = (steps, threads)
            trainer = try QuickRun.resume(run, more)
        } else {
            trainer = try QuickRun.start(options, in: run)
        }
        XCTAssertEqual(try trainer.train(stopRequested: { false }), .reachedMaxSteps, model.name)
        return trainer
    }

    private func checkpoints(_ run: URL) throws -> [Data] {
        try checkpointFiles.map { try Data(contentsOf: run.appendingPathComponent("checkpoints/\($0)")) }
    }

    /// A run is reproducible bit for bit for a given seed and `--threads` (the README's promise):
    /// every parallel region is split by its size and the thread count alone. Another thread count
    /// splits products and batch sums elsewhere, so it trains the same model to rounding only.
    func testTheSameThreadsGiveTheSameBitsAndOtherThreadsTheSameModel() throws {
        let folder = try temporaryFolder()
        for model in ModelCatalogue.builtIn.models {
            let runs = (1...3).map { folder.appendingPathComponent("\(model.name)-\($0)") }
            try train(model, steps: 2, threads: 2, data: folder, into: runs[0])
            try train(model, steps: 2, threads: 2, data: folder, into: runs[1])
            try train(model, steps: 2, threads: 1, data: folder, into: runs[2])
            XCTAssertEqual(try checkpoints(runs[0]), try checkpoints(runs[1]), "\(model.name): two runs on two threads")
            for file in checkpointFiles {
                let (two, one) = try (tensorValues(runs[0].appendingPathComponent("checkpoints/\(file)")),
                                      tensorValues(runs[2].appendingPathComponent("checkpoints/\(file)")))
                XCTAssertEqual(Set(two.keys), Set(one.keys))
                var (difference, norm) = (0.0, 0.0)
                for (name, values) in two where !name.contains("num_batches") {
                    for (a, b) in zip(values, one[name] ?? []) { (difference, norm) = (difference + (a - b) * (a - b), norm + a * a) }
                }
                let relative = (difference / max(norm, 1e-30)).squareRoot()
                print("\(model.name) \(file): one thread against two, \(relative) relative")
                XCTAssertLessThan(relative, 1e-3, "\(model.name) \(file): one thread against two")
            }
        }
    }

    func testAResumedRunEqualsTheUninterruptedOne() throws {
        let folder = try temporaryFolder()
        for model in ModelCatalogue.builtIn.models {
            let whole = folder.appendingPathComponent("\(model.name)-whole"), parts = folder.appendingPathComponent("\(model.name)-parts")
            try train(model, steps: 3, threads: 2, data: folder, into: whole)
            try train(model, steps: 1, threads: 2, data: folder, into: parts)
            try train(model, steps: 3, threads: 2, data: folder, into: parts, resuming: true)
            XCTAssertEqual(try checkpoints(whole), try checkpoints(parts), "\(model.name): stopped after one step and resumed")
        }
    }

    /// The generator a checkpoint rebuilds is the trained one: the same parameters and buffers to
    /// the bit, and the same samples.
    func testACheckpointRebuildsTheTrainedGenerator() throws {
        let folder = try temporaryFolder()
        for model in ModelCatalogue.builtIn.models {
            let run = folder.appendingPathComponent(model.name)
            let trainer = try train(model, steps: 1, threads: 2, data: folder, into: run)
            let sampler = try GeneratorSampler(checkpoint: run)
            XCTAssertEqual(sampler.model.name, model.name)
            XCTAssertEqual(sampler.spec, trainer.models.spec, model.name)
            func bits(_ module: Module) -> [String: [UInt32]] {
                Dictionary(uniqueKeysWithValues: module.stateDict.compactMap { entry in
                    guard case .tensor(let tensor) = entry.value else { return nil }
                    return (entry.name, tensor.scalars.map(\.bitPattern))
                })
            }
            XCTAssertEqual(bits(sampler.generator), bits(trainer.models.generator), model.name)
            let z = sampler.noise(count: 3, seed: 1)
            let sampled = try sampler.images(for: z, batchNorm: .running)
            XCTAssertEqual(sampled.shape, [3] + trainer.models.spec.imageShape, model.name)
            trainer.models.generator.eval()
            let direct = withoutGrad { trainer.models.generator(z) }
            trainer.models.generator.train()
            XCTAssertEqual(sampled.scalars, direct.scalars, model.name)
        }
    }

    /// Every model's declared shape, latent size and width build: the generator makes what the
    /// critic scores, and the sizes estimated without building match the parameters built.
    func testEveryModelBuildsWhatItDeclares() throws {
        for model in ModelCatalogue.builtIn.models {
            let spec = model.spec(width: ModelTestData.width(for: model), latentDimension: ModelTestData.latentDimension)
            XCTAssertNil(model.problem(with: spec), model.name)
            var rng = RandomGenerator(seed: 1)
            let generator = model.makeGenerator(spec, using: &rng), critic = model.makeCritic(spec, using: &rng)
            let samples = withoutGrad { generator(Tensor.randn([2, spec.latentDimension], using: &rng)) }
            XCTAssertEqual(samples.shape, [2] + spec.imageShape, model.name)
            XCTAssertEqual(withoutGrad { critic(samples) }.shape, [2, 1], model.name)
            let built = [generator as Module, critic].map { $0.parameters.reduce(0) { $0 + $1.count } }
            let estimated = model.sizes(spec).map(\.parameters)
            for (count, estimate) in zip(built, estimated) {
                // Estimates may count BatchNorm's running statistics with the parameters.
                let estimate = try XCTUnwrap(estimate, model.name)
                XCTAssertTrue(count <= estimate && estimate <= count * 2 + 16, "\(model.name): built \(count), estimated \(estimate)")
            }
            XCTAssertFalse(model.presets.isEmpty, "\(model.name) names the preset that trains it as its paper does")
            XCTAssertEqual(ModelCatalogue.builtIn.models.filter { $0.name == model.name }.count, 1, "\(model.name) is listed once")
        }
    }
}
