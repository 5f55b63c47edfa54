@testable import WGANEngine
import WGANEngineTestSupport
import XCTest

/// SyncBatchNorm: ranks holding shards of a batch normalise, and differentiate, as one process
/// holding the whole batch.
final class SyncBatchNormTests: XCTestCase {
    private let x = randomTensor([7, 5], seed: 1, low: -2, high: 3)
    private let weight = randomTensor([5], seed: 2, low: 0.5, high: 1.5)
    private let bias = randomTensor([5], seed: 3)

    /// The whole batch through `batchNorm`: output, mean, variance and the gradients of a weighted sum.
    private func wholeBatch() -> (output: [Float], mean: [Float], variance: [Float], grads: [[Float]]) {
        let inputs = [x, weight, bias].map { $0.detached().requiringGrad() }
        let (y, mean, variance) = inputs[0].batchNorm(weight: inputs[1], bias: inputs[2], eps: 1e-5)
        let grads = gradients(of: weightedSum(y), withRespectTo: inputs)
        return (y.scalars, mean.scalars, variance.scalars, grads.map(\.scalars))
    }

    func testOneRankIsBatchNorm() {
        let whole = wholeBatch()
        let inputs = [x, weight, bias].map { $0.detached().requiringGrad() }
        let (y, mean, variance, count) = inputs[0].syncBatchNorm(weight: inputs[1], bias: inputs[2], eps: 1e-5, communicator: SingleProcess())
        XCTAssertEqual(count, 7)
        assertClose(y.scalars, whole.output)
        assertClose(mean.scalars, whole.mean)
        assertClose(variance.scalars, whole.variance)
        for (grad, expected) in zip(gradients(of: weightedSum(y), withRespectTo: inputs), whole.grads) { assertClose(grad.scalars, expected, tolerance: 1e-4) }
    }

    /// Shards of 3 and 4 rows on two threads: their outputs and input gradients, side by side,
    /// are the whole batch's; their γ and β gradients add up to the whole batch's.
    func testTwoRanksNormaliseAsOneBatch() {
        let whole = wholeBatch()
        let (x, weight, bias) = (self.x, self.weight, self.bias)
        let upstream = randomTensor([7, 5], seed: 99)  // weightedSum's weights, split by rows
        let shards = ThreadRanks(size: 2).run { communicator -> (output: [Float], mean: [Float], count: Int, grads: [[Float]]) in
            let rows = communicator.rank == 0 ? 0..<3 : 3..<7
            let inputs = [x.rows(rows), weight, bias].map { Tensor($0.scalars, shape: $0.shape).requiringGrad() }
            let (y, mean, _, count) = inputs[0].syncBatchNorm(weight: inputs[1], bias: inputs[2], eps: 1e-5, communicator: communicator)
            let grads = gradients(of: (y * upstream.rows(rows)).sum(), withRespectTo: inputs)
            return (y.scalars, mean.scalars, count, grads.map(\.scalars))
        }
        XCTAssertEqual(shards.map(\.count), [7, 7])
        assertClose(shards[0].mean, whole.mean)
        assertClose(shards[0].output + shards[1].output, whole.output, tolerance: 1e-5)
        assertClose(shards[0].grads[0] + shards[1].grads[0], whole.grads[0], tolerance: 1e-4)
        for input in 1...2 {
            assertClose(zip(shards[0].grads[input], shards[1].grads[input]).map(+), whole.grads[input], tolerance: 1e-4)
        }
    }
}
