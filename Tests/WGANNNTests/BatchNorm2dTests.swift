import WGANEngine
import WGANNN
import XCTest

final class BatchNorm2dTests: XCTestCase {
    /// Per-channel statistics over N, H and W: channel 0 holds 1…8, channel 1 holds 10·(1…8).
    func testTrainingNormalisesEachChannelOverBatchAndPlane() {
        let bn = BatchNorm2d(2, eps: 0, momentum: 0.1)
        // [N 2, C 2, H 2, W 2]: sample 0 has channel 0 = 1…4, channel 1 = 10…40; sample 1 the next four.
        let values: [Float] = [1, 2, 3, 4, 10, 20, 30, 40, 5, 6, 7, 8, 50, 60, 70, 80]
        let y = bn(Tensor(values, shape: [2, 2, 2, 2])).scalars
        let variance: Float = 42.0 / 8  // of 1…8 (mean 4.5), biased
        XCTAssertEqual(y[0], (1 - 4.5) / variance.squareRoot(), accuracy: 1e-5)
        XCTAssertEqual(y[15], (8 - 4.5) / variance.squareRoot(), accuracy: 1e-5, "channel 1 is channel 0 times 10")
        XCTAssertEqual(y[4], y[0], accuracy: 1e-5)
        XCTAssertEqual(bn.runningMean.scalars, [0.45, 4.5], accuracy: 1e-5)
        // The running variance takes the unbiased variance over N·H·W = 8 values: 42/7 = 6.
        XCTAssertEqual(bn.runningVar.scalars, [0.9 + 0.6, 0.9 + 60], accuracy: 1e-4)
        XCTAssertEqual(bn.numBatchesTracked.value, 1)
        XCTAssertEqual(bn.stateDict.map(\.name), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"])
    }

    func testEvalModeUsesRunningStatisticsPerChannel() {
        let bn = BatchNorm2d(2, eps: 0)
        bn.runningMean.storage.pointer[1] = 2
        bn.runningVar.storage.pointer[1] = 4
        bn.weight.storage.pointer[1] = 3
        bn.eval()
        let y = bn(Tensor([5, 6, 8, 10], shape: [1, 2, 1, 2])).scalars
        XCTAssertEqual(y, [5, 6, (8 - 2) / 2 * 3, (10 - 2) / 2 * 3], accuracy: 1e-6)
        XCTAssertEqual(bn.numBatchesTracked.value, 0)
    }

    /// Through the layer itself, so through its NHWC view: first and second derivatives (the
    /// penalty's double backward would pass through it if a generator's output fed a critic).
    func testGradientsMatchFiniteDifferencesToSecondOrder() {
        var rng = RandomGenerator(seed: 11)
        let x = Tensor.uniform([3, 2, 2, 3], low: -1, high: 1, using: &rng)
        let probe = Tensor.uniform([3, 2, 2, 3], low: -1, high: 1, using: &rng)
        let bn = BatchNorm2d(2)
        bn.weight.storage.pointer[0] = 1.5
        bn.bias.storage.pointer[1] = -0.25
        func loss(_ t: [Tensor]) -> Tensor { (bn(t[0]).square() * probe).sum() }
        XCTAssertLessThan(GradientCheck.firstOrderError(at: [x], loss), 2e-3)
        XCTAssertLessThan(GradientCheck.secondOrderError(at: [x], loss), 5e-3)
    }

    func testLayerGradientsReachWeightAndBias() {
        var rng = RandomGenerator(seed: 12)
        let x = Tensor.uniform([2, 3, 2, 2], low: -1, high: 1, using: &rng)
        let probe = Tensor.uniform([2, 3, 2, 2], low: -1, high: 1, using: &rng)
        let bn = BatchNorm2d(3)
        let error = GradientCheck.firstOrderError(at: [x]) { t in (bn(t[0]) * probe).sum() }
        XCTAssertLessThan(error, 2e-3)
        let grads = gradients(of: (bn(x) * probe).sum(), withRespectTo: [bn.weight, bn.bias])
        XCTAssertEqual(grads[1].scalars, probe.channelSums().scalars, accuracy: 1e-5)
    }
}
