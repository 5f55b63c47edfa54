@testable import WGANEngine
import XCTest

final class AutogradTests: XCTestCase {
    func testExactGradientsOfASmallExpression() {
        let x = Tensor([1, 2, 3], shape: [3]).requiringGrad()
        let y = Tensor([4, 5, 6], shape: [3]).requiringGrad()
        let f = (x * y + x.square()).sum()
        let (gx, gy) = { let g = gradients(of: f, withRespectTo: [x, y]); return (g[0], g[1]) }()
        XCTAssertEqual(gx.scalars, [6, 9, 12])  // y + 2x
        XCTAssertEqual(gy.scalars, [1, 2, 3])   // x
    }

    func testSecondDerivativeOfACube() {
        let x = Tensor([2], shape: [1]).requiringGrad()
        let g = gradients(of: (x * x * x).sum(), withRespectTo: [x], createGraph: true)[0]
        XCTAssertEqual(g.scalars, [12])  // 3x²
        XCTAssertTrue(g.requiresGrad)
        let h = gradients(of: g.sum(), withRespectTo: [x])[0]
        XCTAssertEqual(h.scalars, [12])  // 6x
    }

    func testWithoutCreateGraphNothingIsRecorded() {
        let x = Tensor([2], shape: [1]).requiringGrad()
        let g = gradients(of: (x * x).sum(), withRespectTo: [x])[0]
        XCTAssertFalse(g.requiresGrad)
        XCTAssertNil(g.opName)
    }

    func testUnrelatedInputGetsZeros() {
        let x = Tensor([1, 2], shape: [2]).requiringGrad(), unused = Tensor([5], shape: [1]).requiringGrad()
        let grads = gradients(of: x.sum(), withRespectTo: [x, unused])
        XCTAssertEqual(grads[1].scalars, [0])
    }

    /// As PyTorch: the norm's gradient at a zero vector is 0, not NaN, also when differentiated again.
    func testNormGradientAtZeroIsZero() {
        let x = Tensor([0, 0, 3, 4], shape: [2, 2]).requiringGrad()
        let g = gradients(of: x.norm(axes: [1]).sum(), withRespectTo: [x], createGraph: true)[0]
        XCTAssertEqual(g.scalars, [0, 0, 0.6, 0.8])
        let h = gradients(of: (g * Tensor([1, 1, 1, 0], shape: [2, 2])).sum(), withRespectTo: [x])[0]
        XCTAssertFalse(h.scalars.contains { $0.isNaN })
        XCTAssertEqual(h.scalars[0], 0)
    }

    func testBackwardAccumulatesIntoLeaves() {
        let w = Tensor([1, -1], shape: [2]).requiringGrad()
        (w * 3).sum().backward()
        (w.square()).sum().backward()
        XCTAssertEqual(w.grad?.scalars, [5, 1])  // 3 + 2w
    }

    func testNoGradScopeRecordsNothing() {
        let x = Tensor([1], shape: [1]).requiringGrad()
        let y = withoutGrad { x * 2 }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue(GradMode.isEnabled)
    }

    func testDetachCutsTheGraph() {
        let x = Tensor([3], shape: [1]).requiringGrad()
        let f = (x * x.detached()).sum()
        XCTAssertEqual(gradients(of: f, withRespectTo: [x])[0].scalars, [3])
    }

    /// A finished graph, including one recorded by a double backward, is freed: no cycles
    /// between nodes, saved tensors and outputs.
    func testFinishedGraphIsFreed() {
        weak var weakOutput: Tensor?
        weak var weakGradient: Tensor?
        weak var weakHidden: Tensor?
        do {
            let w = randomTensor([3, 4], seed: 1).requiringGrad()
            let x = randomTensor([2, 4], seed: 2).requiringGrad()
            let hidden = x.linear(weight: w, bias: nil).tanh().sigmoid().exp()
            let out = hidden.sum()
            let g = gradients(of: out, withRespectTo: [x], createGraph: true)[0]
            let penalty = g.norm(axes: [1]).sum()
            _ = gradients(of: penalty, withRespectTo: [w])
            weakOutput = out
            weakGradient = g
            weakHidden = hidden
        }
        XCTAssertNil(weakOutput)
        XCTAssertNil(weakGradient)
        XCTAssertNil(weakHidden)
    }
}
