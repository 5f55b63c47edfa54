@testable import WGAN
import WGANEngine
import WGANEngineTestSupport
import XCTest

/// Whole training steps of two ranks in threads of this process (`ThreadRanks`, no MPI): each on
/// its half of the batch, with its gradients and BatchNorm statistics shared, takes the step one
/// process takes on the whole batch.
final class DataParallelStepTests: XCTestCase {
    func testTwoRanksTakeTheStepOneProcessTakes() throws {
        let threads = Parallel.threads
        Parallel.threads = 1  // each rank computes alone on its own thread
        defer { Parallel.threads = threads }
        var config = try QuickRun.options().freshConfig()
        config.threads = 1
        var rng = RandomGenerator(seed: 5)
        let batch = 12
        let real = Tensor.uniform([batch, 1, 28, 28], low: -1, high: 1, using: &rng)
        let z = Tensor.randn([batch, config.latentDimension], using: &rng)
        let alpha = Tensor.uniform([batch, 1], using: &rng)
        func models() throws -> TrainingModels {
            var initial = RandomGenerator(seed: 7)
            return try TrainingModels(config: config, model: config.model(), imageShape: [1, 28, 28], using: &initial)
        }
        /// Two steps (so that the second starts from the first's shared update); returns the
        /// generator's parameters and the last losses.
        func train(_ models: TrainingModels, _ communicator: Communicator?) -> (generator: [Float], losses: [Float]) {
            var rows = 0..<batch
            if let communicator { rows = DataParallel(communicator: communicator, models: models).shard(ofBatch: batch) }
            let (localZ, localReal, localAlpha) = (z.keeping(rows: rows), real.keeping(rows: rows), alpha.keeping(rows: rows))
            var losses: [Float] = []
            for _ in 0..<2 {
                let critic = models.step.criticStep(real: localReal, z: localZ, alpha: localAlpha)
                losses = [critic.loss, critic.penalty, models.step.generatorStep(z: localZ)]
            }
            return (models.generator.parameters.flatMap(\.scalars), losses)
        }
        let one = train(try models(), nil)
        let rankModels = try [models(), models()]
        let ranks = ThreadRanks(size: 2).run { train(rankModels[$0.rank], $0) }

        XCTAssertEqual(ranks[0].generator, ranks[1].generator, "every rank takes the same step")
        XCTAssertEqual(ranks[0].losses, ranks[1].losses, "and reports the whole batch's losses")
        for (a, b) in zip(one.losses, ranks[0].losses) { XCTAssertEqual(a, b, accuracy: 1e-3 * max(1, abs(a))) }
        let difference = zip(one.generator, ranks[0].generator).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        let norm = one.generator.reduce(0.0) { $0 + Double($1) * Double($1) }
        XCTAssertLessThan((difference / norm).squareRoot(), 1e-2, "the generator one process trains on the whole batch")
    }
}
