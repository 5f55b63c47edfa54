@testable import WGANEngine
import Foundation
import XCTest

final class ForwardTests: XCTestCase {
    func testBroadcastingArithmetic() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let row = Tensor([10, 20, 30], shape: [3])
        let column = Tensor([100, 200], shape: [2, 1])
        XCTAssertEqual((a + row).scalars, [11, 22, 33, 14, 25, 36])
        XCTAssertEqual((a - column).scalars, [-99, -98, -97, -196, -195, -194])
        XCTAssertEqual((a * Tensor(scalar: 2)).scalars, [2, 4, 6, 8, 10, 12])
        XCTAssertEqual((row / Tensor([2], shape: [1])).scalars, [5, 10, 15])
        let outer = Tensor([1, 2], shape: [2, 1, 1]) * Tensor([1, 10, 100], shape: [1, 1, 3])
        XCTAssertEqual(outer.shape, [2, 1, 3])
        XCTAssertEqual(outer.scalars, [1, 10, 100, 2, 20, 200])
        // A middle-axis broadcast takes the general strided path.
        let middle = Tensor([1, 2, 3, 4], shape: [2, 1, 2]) + Tensor([10, 20, 30], shape: [1, 3, 1])
        XCTAssertEqual(middle.scalars, [11, 12, 21, 22, 31, 32, 13, 14, 23, 24, 33, 34])
    }

    func testScalarOps() {
        let a = Tensor([1, -2], shape: [2])
        XCTAssertEqual((2 - a).scalars, [1, 4])
        XCTAssertEqual((a / 4).scalars, [0.25, -0.5])
        XCTAssertEqual((-a + 1).scalars, [0, 3])
    }

    func testReductions() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        XCTAssertEqual(a.sum().item, 21)
        XCTAssertEqual(a.sum(axes: [0]).scalars, [5, 7, 9])
        XCTAssertEqual(a.sum(axes: [1], keepDims: true).shape, [2, 1])
        XCTAssertEqual(a.sum(axes: [-1]).scalars, [6, 15])
        XCTAssertEqual(a.mean(axes: [0]).scalars, [2.5, 3.5, 4.5])
        XCTAssertEqual(a.mean().item, 3.5)
        XCTAssertEqual(Tensor([3, 4], shape: [1, 2]).norm(axes: [1]).scalars, [5])
        XCTAssertEqual(Tensor([0, 2], shape: [2]).replacingZeros(with: 5).scalars, [5, 2])
        XCTAssertEqual(Tensor([1, 3], shape: [2]).variance(axes: [0]).item, 1)
        let cube = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        XCTAssertEqual(cube.sum(axes: [0, 2]).scalars, [60, 92, 124])
    }

    func testUnaryValues() {
        let x = Tensor([-1, 0.5], shape: [2])
        assertClose(x.exp().scalars, [0.36787944, 1.6487213])
        assertClose(x.tanh().scalars, [-0.7615942, 0.46211716])
        assertClose(x.sigmoid().scalars, [0.26894142, 0.62245935])
        assertClose(x.softplus().scalars, [0.31326169, 0.97407698])
        // No overflow where log(1 + eˣ) would compute e¹⁰⁰.
        XCTAssertEqual(Tensor([100, -100], shape: [2]).softplus().scalars[0], 100)
        XCTAssertLessThan(Tensor([100, -100], shape: [2]).softplus().scalars[1], 1e-40)
        XCTAssertEqual(x.relu().scalars, [0, 0.5])
        XCTAssertEqual(x.leakyReLU(negativeSlope: 0.2).scalars, [-0.2, 0.5])
        XCTAssertEqual(x.square().scalars, [1, 0.25])
        assertClose(Tensor([4, 2], shape: [2]).sqrt().scalars, [2, 1.4142135])
        assertClose(Tensor([1, 2.7182817], shape: [2]).log().scalars, [0, 1])
    }

    func testShapeOps() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        XCTAssertEqual(a.transposed().shape, [3, 2])
        XCTAssertEqual(a.transposed().scalars, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(a.reshaped([3, -1]).shape, [3, 2])
        XCTAssertTrue(a.reshaped([6]).storage === a.storage, "reshape is a view")
        XCTAssertEqual(Tensor.zeros([2, 1, 2, 2]).flattened().shape, [2, 4])
        let joined = Tensor.concatenate([a, Tensor([7, 8, 9], shape: [1, 3])])
        XCTAssertEqual(joined.shape, [3, 3])
        XCTAssertEqual(joined.rows(1..<3).scalars, [4, 5, 6, 7, 8, 9])
        XCTAssertEqual(Tensor([1, 2], shape: [1, 2]).paddingRows(before: 1, after: 1).scalars, [0, 0, 1, 2, 0, 0])
        XCTAssertEqual(Tensor([1, 2], shape: [1, 2]).expanded(to: [2, 2]).scalars, [1, 2, 1, 2])
        XCTAssertEqual(Tensor([1, 2], shape: [2, 1]).expanded(to: [2, 3]).scalars, [1, 1, 1, 2, 2, 2])
    }

    func testMatmulAgainstPlainLoops() throws {
        try BLAS.load()
        // Odd sizes exercise OpenBLAS's edge handling in whichever kernel it picked.
        let (m, k, n) = (7, 13, 5)
        let a = randomTensor([m, k], seed: 1), b = randomTensor([k, n], seed: 2)
        let pa = a.scalars, pb = b.scalars
        var expected = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var acc: Double = 0
            for p in 0..<k { acc += Double(pa[i * k + p]) * Double(pb[p * n + j]) }
            expected[i * n + j] = Float(acc)
        } }
        assertClose(a.matmul(b).scalars, expected)
        assertClose(a.transposed().matmul(b, transposeSelf: true).scalars, expected)
        assertClose(a.matmul(b.transposed(), transposeOther: true).scalars, expected)
        assertClose(a.transposed().matmul(b.transposed(), transposeSelf: true, transposeOther: true).scalars, expected)
        assertClose(a.linear(weight: b.transposed(), bias: Tensor.ones([n])).scalars, expected.map { $0 + 1 })
    }

    func testRandomGeneratorIsReproducibleAndWellSpread() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        XCTAssertEqual((0..<5).map { _ in a.next() }, (0..<5).map { _ in b.next() })
        var rng = RandomGenerator(seed: 1)
        let n = Tensor.randn([20_000], using: &rng).scalars
        let mean = n.reduce(0, +) / Float(n.count)
        let variance = n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(n.count)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.03)
        let u = Tensor.uniform([20_000], low: 2, high: 4, using: &rng).scalars
        XCTAssertGreaterThanOrEqual(u.min()!, 2)
        XCTAssertLessThan(u.max()!, 4)
        XCTAssertEqual(u.reduce(0, +) / Float(u.count), 3, accuracy: 0.03)
        XCTAssertEqual(rng.permutation(50).sorted(), Array(0..<50))
        let saved = rng.state
        let next = rng.next()
        var restored = RandomGenerator(state: saved)!
        XCTAssertEqual(restored.next(), next)
        XCTAssertNil(RandomGenerator(state: [0, 0, 0, 0]))
    }
}

final class TanhAccuracyTests: XCTestCase {
    /// The vectorised tanh against double-precision tanh over a dense sweep of [-12, 12], in
    /// units in the last place of the Float result (plus the special values).
    func testTanhIsWithinOneULP() {
        let values = (-120_000...120_000).map { Float($0) * 1e-4 } + [1e-30, -1e-30, 0, 1e-7, 30, -30, .infinity, -.infinity]
        let y = Tensor(values, shape: [values.count]).tanh().scalars
        var worst: Float = 0
        for (x, t) in zip(values, y) {
            let exact = Float(Foundation.tanh(Double(x)))
            let ulps = abs(t - exact) / max(exact.ulp, Float.leastNormalMagnitude)
            worst = max(worst, ulps)
        }
        XCTAssertLessThanOrEqual(worst, 1, "worst error \(worst) ulp")
        XCTAssertGreaterThan(worst, 0, "a different implementation from libm, so some rounding differs")
        XCTAssertTrue(Tensor([.nan], shape: [1]).tanh().item.isNaN, "a NaN must survive, so divergence is caught")
        XCTAssertEqual(Tensor([-0.0], shape: [1]).tanh().item.sign, .minus)
    }
}
