@testable import WGANEngine
import XCTest

/// Every op's first and second derivatives against finite differences. Each function ends in
/// a weighted sum so that every output element's gradient is exercised with a different weight.
final class GradientCheckTests: XCTestCase {
    func testArithmeticWithBroadcasting() {
        let a = randomTensor([3, 4], seed: 1), row = randomTensor([4], seed: 2)
        let column = randomTensor([3, 1], seed: 3), positive = randomTensor([3, 4], seed: 4, low: 0.5, high: 1.5)
        check("add", [a, row]) { $0[0] + $0[1] }
        check("sub", [a, column]) { $0[0] - $0[1] }
        check("mul", [a, row]) { $0[0] * $0[1] * $0[0] }
        check("div", [a, positive]) { $0[0] / $0[1] }
        check("neg and scalars", [a]) { (2 - $0[0] * 3 + 1) / 4 }
        check("broadcast scalar tensor", [a, Tensor(scalar: 0.7)]) { $0[0] * $0[1] * $0[1] }
    }

    func testUnaryFunctions() {
        let x = randomTensor([2, 5], seed: 5)
        let positive = randomTensor([2, 5], seed: 6, low: 0.5, high: 2)
        check("square", [x]) { $0[0].square() }
        check("sqrt", [positive]) { $0[0].sqrt() }
        check("exp", [x]) { $0[0].exp() }
        check("log", [positive]) { $0[0].log() }
        check("tanh", [x]) { $0[0].tanh() }
        check("sigmoid", [x]) { $0[0].sigmoid() }
        check("softplus", [x * 3]) { $0[0].softplus() }
        // The kinked functions: away from 0, and multiplied by x so the second derivative is not zero.
        let kinked = awayFromZero([2, 5], seed: 7)
        check("relu", [kinked]) { $0[0].relu() * $0[0] }
        check("leakyReLU", [kinked]) { $0[0].leakyReLU(negativeSlope: 0.2) * $0[0] }
    }

    func testReductionsAndNorms() {
        let x = randomTensor([3, 4, 2], seed: 8)
        check("sum all", [x]) { $0[0].sum().square() }
        check("sum axes", [x]) { $0[0].sum(axes: [0, 2]) }
        check("sum keepDims", [x]) { $0[0].sum(axes: [1], keepDims: true) * $0[0] }
        check("mean", [x]) { $0[0].mean(axes: [1]).square() }
        check("norm", [x]) { $0[0].norm(axes: [1, 2]) }
        check("variance", [x]) { $0[0].variance(axes: [0]) }
    }

    func testMatmulInEveryTransposeForm() {
        let a = randomTensor([3, 4], seed: 9), b = randomTensor([4, 2], seed: 10)
        check("A·B", [a, b]) { $0[0].matmul($0[1]).square() }
        check("Aᵀ·B", [a, randomTensor([3, 2], seed: 11)]) { $0[0].matmul($0[1], transposeSelf: true).square() }
        check("A·Bᵀ", [a, randomTensor([2, 4], seed: 12)]) { $0[0].matmul($0[1], transposeOther: true).square() }
        check("Aᵀ·Bᵀ", [a, randomTensor([2, 3], seed: 13)]) {
            $0[0].matmul($0[1], transposeSelf: true, transposeOther: true).square()
        }
        check("linear", [a, randomTensor([5, 4], seed: 14), randomTensor([5], seed: 15)]) {
            $0[0].linear(weight: $0[1], bias: $0[2]).tanh()
        }
    }

    func testShapeOps() {
        let x = randomTensor([2, 3, 2], seed: 16), y = randomTensor([1, 3, 2], seed: 17)
        check("reshape and flatten", [x]) { $0[0].flattened().reshaped([3, 4]).square() }
        check("transpose", [randomTensor([3, 4], seed: 18)]) { $0[0].transposed().square() }
        check("concatenate", [x, y]) { Tensor.concatenate([$0[0], $0[1], $0[0]]).square() }
        check("rows", [x]) { $0[0].rows(1..<2).square() }
        check("paddingRows", [y]) { $0[0].paddingRows(before: 1, after: 2).square() }
        check("expand", [randomTensor([3, 1], seed: 19)]) { $0[0].expanded(to: [2, 3, 4]).square() }
        check("sumToShape", [x]) { $0[0].sumToShape([3, 1]).square() }
    }

    /// The shape of a WGAN-GP critic step: penalise the input gradient's per-sample norm, then
    /// differentiate with respect to the weights.
    func testGradientPenaltyThroughAnMLP() {
        let x = randomTensor([4, 6], seed: 20)
        let w1 = randomTensor([5, 6], seed: 21), b1 = randomTensor([5], seed: 22)
        let w2 = randomTensor([1, 5], seed: 23)
        let penalty: ([Tensor]) -> Tensor = { p in
            let input = x.requiringGrad()
            let h = input.linear(weight: p[0], bias: p[1]).leakyReLU(negativeSlope: 0.2).tanh()
            let d = h.linear(weight: p[2], bias: nil)
            let g = gradients(of: d, withRespectTo: [input], createGraph: true)[0]
            return (g.norm(axes: [1]) - 1).square().mean()
        }
        let error = GradientCheck.firstOrderError(at: [w1, b1, w2], penalty)
        XCTAssertLessThan(error, firstOrderTolerance)
    }

    /// The check must catch a wrong derivative: square with its factor 2 left out.
    func testAWrongDerivativeFailsTheCheck() {
        func brokenSquare(_ x: Tensor) -> Tensor {
            let out = Elementwise.map(x.storage) { $0 * $0 }
            return .result(out, shape: x.shape, op: "brokenSquare", inputs: [x]) { g, _ in [g * x] }
        }
        func wrongSign(_ x: Tensor) -> Tensor {
            let out = Elementwise.map(x.storage) { expf($0) }
            return .result(out, shape: x.shape, op: "wrongSign", inputs: [x]) { g, _ in [-(g * x.exp())] }
        }
        let x = randomTensor([6], seed: 24)
        XCTAssertGreaterThan(GradientCheck.firstOrderError(at: [x]) { brokenSquare($0[0]).sum() }, 0.3)
        XCTAssertGreaterThan(GradientCheck.firstOrderError(at: [x]) { wrongSign($0[0]).sum() }, 1)
        // Correct first derivatives but a backward that is not itself differentiable (a constant
        // gradient) must fail the second-order check.
        func constantBackward(_ x: Tensor) -> Tensor {
            let out = Elementwise.map(x.storage) { $0 * $0 * $0 }
            return .result(out, shape: x.shape, op: "constantBackward", inputs: [x]) { g, _ in
                [g * Tensor(storage: Elementwise.map(x.storage) { 3 * $0 * $0 }, shape: x.shape)]
            }
        }
        XCTAssertLessThan(GradientCheck.firstOrderError(at: [x]) { constantBackward($0[0]).sum() }, firstOrderTolerance)
        XCTAssertGreaterThan(GradientCheck.secondOrderError(at: [x]) { constantBackward($0[0]).sum() }, 0.1)
    }
}
