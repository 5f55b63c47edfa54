import Foundation
import WGANEngine
import WGANOptim
import XCTest

/// Updates against values computed by hand from PyTorch's documented formulas.
final class OptimizerTests: XCTestCase {
    private func parameter(_ values: [Float]) -> Tensor { Tensor(values, shape: [values.count]).requiringGrad() }

    func testAdamMatchesPyTorchsUpdate() {
        let p = parameter([1, -2])
        let adam = Adam(parameters: [p], learningRate: 0.1, betas: (0.9, 0.999), eps: 1e-8)
        p.grad = Tensor([0.5, -4], shape: [2])
        adam.step()
        // Step 1: m̂ = g, v̂ = g², so the update is lr·g/(|g| + eps) ≈ lr·sign(g).
        XCTAssertEqual(p.scalars[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(p.scalars[1], -1.9, accuracy: 1e-6)
        p.grad = Tensor([1, 0], shape: [2])
        adam.step()
        // Step 2 for element 0: m = 0.9·0.05 + 0.1·1 = 0.145, v = 0.999·0.00025 + 0.001·1 = 0.00124975.
        let m = 0.145, v = 0.00124975
        let expected = 0.9 - 0.1 / (1 - 0.81) * m / (v.squareRoot() / (1 - 0.998001).squareRoot() + 1e-8)
        XCTAssertEqual(Double(p.scalars[0]), expected, accuracy: 1e-6)
        XCTAssertEqual(adam.stepCount, 2)
    }

    func testAdamSkipsParametersWithoutGradientAndRestoresState() throws {
        let p = parameter([1]), q = parameter([2])
        let adam = Adam(parameters: [p, q], learningRate: 0.1)
        p.grad = Tensor([1], shape: [1])
        adam.step()
        XCTAssertEqual(q.scalars, [2])
        let saved = Dictionary(uniqueKeysWithValues: adam.state.map { ($0.name, $0.values) })
        XCTAssertEqual(Set(saved.keys), ["step", "exp_avg.0", "exp_avg.1", "exp_avg_sq.0", "exp_avg_sq.1"])
        let copy = Adam(parameters: [parameter([1]), parameter([2])], learningRate: 0.1)
        try copy.loadState(saved)
        XCTAssertEqual(copy.stepCount, 1)
        XCTAssertEqual(copy.state.map(\.values), adam.state.map(\.values))
        XCTAssertThrowsError(try copy.loadState(["step": [1]]))
    }

    func testLargeParametersTakeTheVectorAndThreadedPath() {
        // Over Parallel's chunk size and not a multiple of the vector width.
        let n = 70_001
        let p = Tensor.zeros([n]).requiringGrad()
        let adam = Adam(parameters: [p], learningRate: 0.5)
        p.grad = Tensor((0..<n).map { Float($0 % 7) - 3 }, shape: [n])
        let saved = Parallel.threads
        Parallel.threads = 2
        defer { Parallel.threads = saved }
        adam.step()
        let values = p.scalars
        for i in [0, 1, 3, 5, n - 1] {
            let g = Float(i % 7) - 3
            XCTAssertEqual(values[i], g == 0 ? 0 : -0.5 * g / abs(g), accuracy: 1e-6, "element \(i)")
        }
    }

    /// The vector kernel (AVX-512 or AVX2 here) against the formula in Double, over two steps of
    /// random gradients on a parameter longer than a vector and not a multiple of its width.
    func testVectorKernelFollowsTheFormula() {
        let n = 1_003
        var rng = RandomGenerator(seed: 9)
        let start = Tensor.uniform([n], low: -1, high: 1, using: &rng)
        let grads = (0..<2).map { _ in Tensor.uniform([n], low: -2, high: 2, using: &rng) }
        let p = start.copy().requiringGrad()
        let adam = Adam(parameters: [p], learningRate: 0.01, betas: (0.8, 0.99), eps: 1e-6)
        var expected = start.scalars.map(Double.init)
        var m = [Double](repeating: 0, count: n), v = m
        for (t, g) in grads.enumerated() {
            p.grad = g
            adam.step()
            let g = g.scalars.map(Double.init)
            for j in 0..<n {
                m[j] = 0.8 * m[j] + 0.2 * g[j]
                v[j] = 0.99 * v[j] + 0.01 * g[j] * g[j]
                let stepSize = 0.01 / (1 - pow(0.8, Double(t + 1)))
                expected[j] -= stepSize * m[j] / (v[j].squareRoot() / (1 - pow(0.99, Double(t + 1))).squareRoot() + 1e-6)
            }
        }
        for (a, e) in zip(p.scalars, expected) { XCTAssertEqual(Double(a), e, accuracy: 1e-6) }
    }

    /// A gradient given in parts gives the same step as its sum, in Adam's fused kernel (two parts),
    /// past it (three parts) and in the protocol's default (SGD).
    func testGradientPartsStepLikeTheirSum() {
        var rng = RandomGenerator(seed: 11)
        let parts = (0..<3).map { _ in Tensor.uniform([40_000], low: -1, high: 1, using: &rng) }
        for count in [2, 3] {
            let summed = withoutGrad { parts[1..<count].reduce(parts[0], +) }
            let a = Tensor.zeros([40_000]).requiringGrad(), b = Tensor.zeros([40_000]).requiringGrad()
            a.grad = summed
            Adam(parameters: [a], learningRate: 0.1).step()
            Adam(parameters: [b], learningRate: 0.1).step(gradientParts: [Array(parts[0..<count])])
            for (x, y) in zip(a.scalars, b.scalars) { XCTAssertEqual(x, y, accuracy: 1e-6) }
        }
        let p = parameter([1])
        SGD(parameters: [p], learningRate: 1).step(gradientParts: [[Tensor([2], shape: [1]), Tensor([3], shape: [1])]])
        XCTAssertEqual(p.scalars, [-4])
    }

    func testRMSpropAndSGD() {
        let p = parameter([1])
        let rmsprop = RMSprop(parameters: [p], learningRate: 0.01, alpha: 0.99, eps: 1e-8)
        p.grad = Tensor([2], shape: [1])
        rmsprop.step()
        // v = 0.01·4 = 0.04, p = 1 − 0.01·2/0.2 = 0.9
        XCTAssertEqual(p.scalars[0], 0.9, accuracy: 1e-6)

        let q = parameter([1])
        let sgd = SGD(parameters: [q], learningRate: 0.1, momentum: 0.9)
        q.grad = Tensor([1], shape: [1])
        sgd.step()  // buffer = 1
        sgd.step()  // buffer = 1.9
        XCTAssertEqual(q.scalars[0], 1 - 0.1 - 0.19, accuracy: 1e-6)
        q.grad = nil
        sgd.zeroGrad()
        XCTAssertNil(q.grad)
    }
}
