@testable import WGANEngine
import XCTest

/// Fused kernels against their plain-op references, forwards and backwards, and through the
/// finite-difference checks (the second-order check runs the reference path).
final class FusedOpTests: XCTestCase {
    private func referenceBatchNorm(_ x: Tensor, _ w: Tensor, _ b: Tensor, eps: Float) -> Tensor {
        let centered = x - x.mean(axes: [0], keepDims: true)
        return centered / (centered.square().mean(axes: [0], keepDims: true) + eps).sqrt() * w + b
    }

    func testBatchNormKernelMatchesReference() {
        let x = randomTensor([5, 3], seed: 1, low: -2, high: 2).requiringGrad()
        let w = randomTensor([3], seed: 2).requiringGrad(), b = randomTensor([3], seed: 3).requiringGrad()
        let (fused, mean, variance) = x.batchNorm(weight: w, bias: b, eps: 0.8)
        let reference = referenceBatchNorm(x, w, b, eps: 0.8)
        assertClose(fused.scalars, reference.scalars)
        assertClose(mean.scalars, x.mean(axes: [0]).scalars)
        assertClose(variance.scalars, x.variance(axes: [0]).scalars)
        let g = randomTensor([5, 3], seed: 4)
        let fastGrads = gradients(of: fused, withRespectTo: [x, w, b], gradOutput: g)
        let referenceGrads = gradients(of: reference, withRespectTo: [x, w, b], gradOutput: g)
        for (a, r) in zip(fastGrads, referenceGrads) { assertClose(a.scalars, r.scalars, tolerance: 1e-5) }
    }

    /// Split into column blocks on two threads, batch norm gives the same values to the bit.
    func testBatchNormOnTwoThreadsEqualsOneThread() {
        let x = randomTensor([4, 5_003], seed: 21, low: -2, high: 2).requiringGrad()
        let w = randomTensor([5_003], seed: 22).requiringGrad(), b = randomTensor([5_003], seed: 23).requiringGrad()
        let g = randomTensor([4, 5_003], seed: 24)
        func run() -> [[Float]] {
            let (y, mean, variance) = x.batchNorm(weight: w, bias: b, eps: 0.8)
            return [y.scalars, mean.scalars, variance.scalars] + gradients(of: y, withRespectTo: [x, w, b], gradOutput: g).map(\.scalars)
        }
        let single = run()
        Parallel.threads = 2
        defer { Parallel.threads = 1 }
        XCTAssertEqual(run(), single)
    }

    func testBatchNormDerivativesAgainstFiniteDifferences() {
        let inputs = [randomTensor([4, 3], seed: 5, low: -2, high: 2), randomTensor([3], seed: 6), randomTensor([3], seed: 7)]
        let f: ([Tensor]) -> Tensor = { t in
            (t[0].batchNorm(weight: t[1], bias: t[2], eps: 0.1).output * randomTensor([4, 3], seed: 8)).sum()
        }
        XCTAssertLessThan(GradientCheck.firstOrderError(at: inputs, f), firstOrderTolerance)
        XCTAssertLessThan(GradientCheck.secondOrderError(at: inputs, f), secondOrderTolerance)
    }

    func testLinearWithBiasMatchesMatmulPlusBias() {
        let x = randomTensor([3, 4], seed: 9).requiringGrad(), w = randomTensor([2, 4], seed: 10).requiringGrad()
        let b = randomTensor([2], seed: 11).requiringGrad()
        let fused = x.linear(weight: w, bias: b), reference = x.matmul(w, transposeOther: true) + b
        assertClose(fused.scalars, reference.scalars)
        let g = randomTensor([3, 2], seed: 12)
        for (a, r) in zip(gradients(of: fused, withRespectTo: [x, w, b], gradOutput: g),
                          gradients(of: reference, withRespectTo: [x, w, b], gradOutput: g)) {
            assertClose(a.scalars, r.scalars)
        }
    }

    /// On two threads the weight and input gradients of a layer are computed side by side.
    func testLinearBackwardOnTwoThreadsGivesTheSameGradients() {
        let x = randomTensor([6, 5], seed: 13).requiringGrad(), w = randomTensor([4, 5], seed: 14).requiringGrad()
        let b = randomTensor([4], seed: 15).requiringGrad()
        let loss = { (x.linear(weight: w, bias: b).tanh() * 3).sum() }
        let sequential = gradients(of: loss(), withRespectTo: [x, w, b])
        let saved = Parallel.threads
        Parallel.threads = 2
        defer { Parallel.threads = saved }
        let parallel = gradients(of: loss(), withRespectTo: [x, w, b])
        for (s, p) in zip(sequential, parallel) { XCTAssertEqual(s.scalars, p.scalars) }
    }
}
