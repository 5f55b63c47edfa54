@testable import WGANEngine
import XCTest

/// The ResNet's pieces: nearest 2× upsampling, 2×2 sum and mean pooling, the spatial mean, and
/// the stride-1 convolutions it uses (3×3 padding 1, 1×1 padding 0): values, both derivatives,
/// and the adjoint identity that makes pooling upsampling's backward.
final class ResamplingTests: XCTestCase {
    func testUpsamplingRepeatsEachPixelIntoABlock() {
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [1, 2, 1, 3])
        let y = x.upsampledNearest2x()
        XCTAssertEqual(y.shape, [1, 2, 2, 6])
        XCTAssertEqual(y.scalars, [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 4, 4, 5, 5, 6, 6])
    }

    func testPoolingSumsAndAveragesEachBlock() {
        let x = Tensor((0..<32).map(Float.init), shape: [2, 1, 4, 4])
        XCTAssertEqual(x.sumPooled2x2().shape, [2, 1, 2, 2])
        // Block (0, 0) of the first image: 0 + 1 + 4 + 5.
        XCTAssertEqual(x.sumPooled2x2().scalars, [10, 18, 42, 50, 74, 82, 106, 114])
        XCTAssertEqual(x.meanPooled2x2().scalars, [2.5, 4.5, 10.5, 12.5, 18.5, 20.5, 26.5, 28.5])
        XCTAssertEqual(x.upsampledNearest2x().meanPooled2x2().scalars, x.scalars, "pooling undoes upsampling")
    }

    func testSpatialMean() {
        let x = Tensor((0..<16).map(Float.init), shape: [2, 2, 2, 2])
        let m = x.spatialMean()
        XCTAssertEqual(m.shape, [2, 2])
        XCTAssertEqual(m.scalars, [1.5, 5.5, 9.5, 13.5])
    }

    /// ⟨upsample(x), y⟩ = ⟨x, sumPool(y)⟩.
    func testSumPoolingIsTheAdjointOfUpsampling() {
        let x = randomTensor([2, 3, 3, 5], seed: 1), y = randomTensor([2, 3, 6, 10], seed: 2)
        let left = (x.upsampledNearest2x() * y).sum().item, right = (x * y.sumPooled2x2()).sum().item
        XCTAssertEqual(left, right, accuracy: 1e-5 * max(1, abs(left)))
    }

    func testGradientsOfResampling() {
        let x = randomTensor([2, 2, 2, 3], seed: 3), big = randomTensor([2, 2, 4, 6], seed: 4)
        check("upsample", [x]) { $0[0].upsampledNearest2x().square() }
        check("sumPool", [big]) { $0[0].sumPooled2x2().square() }
        check("meanPool", [big]) { $0[0].meanPooled2x2().square() }
        check("spatialMean", [big]) { $0[0].spatialMean().square() }
        // Composed with a convolution, as the ResNet's blocks use them (the penalty differentiates
        // the critic's input gradient once more).
        let w = randomTensor([3, 2, 3, 3], seed: 5), w1 = randomTensor([3, 2, 1, 1], seed: 6)
        check("upsample → conv 3×3", [x, w]) { $0[0].upsampledNearest2x().conv2d(weight: $0[1], stride: 1, padding: 1).square() }
        check("conv 3×3 → meanPool", [big, w]) { $0[0].conv2d(weight: $0[1], stride: 1, padding: 1).meanPooled2x2().tanh() }
        check("meanPool → conv 1×1", [big, w1]) { $0[0].meanPooled2x2().conv2d(weight: $0[1]).square() }
    }

    /// The ResNet's stride-1 convolutions (3×3 padding 1 keeps the size, 1×1 padding 0) against direct loops.
    func testStrideOneConvolutionsMatchDirectLoops() {
        for (k, padding) in [(3, 1), (1, 0)] {
            let (n, c, o, h, w) = (2, 3, 4, 5, 6)
            let x = randomTensor([n, c, h, w], seed: UInt64(10 + k)), weight = randomTensor([o, c, k, k], seed: UInt64(20 + k))
            let bias = randomTensor([o], seed: UInt64(30 + k))
            let y = x.conv2d(weight: weight, bias: bias, stride: 1, padding: padding)
            XCTAssertEqual(y.shape, [n, o, h, w])
            let (xs, ws, bs) = (x.scalars, weight.scalars, bias.scalars)
            var expected = [Float](repeating: 0, count: n * o * h * w)
            for s in 0..<n { for f in 0..<o { for i in 0..<h { for j in 0..<w {
                var total = bs[f]
                for ch in 0..<c { for a in 0..<k { for b in 0..<k {
                    let (r, q) = (i + a - padding, j + b - padding)
                    guard r >= 0, r < h, q >= 0, q < w else { continue }
                    total += xs[((s * c + ch) * h + r) * w + q] * ws[((f * c + ch) * k + a) * k + b]
                } } }
                expected[((s * o + f) * h + i) * w + j] = total
            } } } }
            assertClose(y.scalars, expected)
            check("conv \(k)×\(k) stride 1", [x, weight, bias]) { $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 1, padding: padding).square() }
        }
    }

    func testResamplingOnTwoThreadsEqualsOneThread() {
        let x = randomTensor([4, 16, 32, 32], seed: 7)
        func run() -> [[Float]] { [x.upsampledNearest2x().scalars, x.meanPooled2x2().scalars, x.sumPooled2x2().scalars] }
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        Parallel.threads = 1
        let one = run()
        Parallel.threads = 2
        XCTAssertEqual(run(), one)
    }
}

/// Row gathering (an embedding lookup) and its adjoint, scatter-adding rows.
final class IndexingTests: XCTestCase {
    func testGatherAndScatterAddValues() {
        let table = Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2])
        XCTAssertEqual(table.gatheringRows([2, 0, 2]).scalars, [5, 6, 1, 2, 5, 6])
        XCTAssertEqual(table.gatheringRows([2, 0, 2]).shape, [3, 2])
        XCTAssertEqual(Tensor([1, 1, 2, 2, 3, 3], shape: [3, 2]).scatterAddingRows([1, 0, 1], rowCount: 4).scalars, [2, 2, 4, 4, 0, 0, 0, 0])
    }

    func testGradientsOfGatherAndScatterAdd() {
        check("gatheringRows", [randomTensor([4, 3], seed: 1)]) { $0[0].gatheringRows([3, 1, 3, 0, 2]).square() }
        check("scatterAddingRows", [randomTensor([5, 2], seed: 2)]) { $0[0].scatterAddingRows([1, 1, 0, 3, 1], rowCount: 4).square() }
        // The conditional BatchNorm's use: a per-class scale picked per sample, broadcast over a map.
        check("per-sample scale", [randomTensor([3, 2], seed: 3), randomTensor([4, 2, 2, 2], seed: 4)]) { t in
            (t[1] * t[0].gatheringRows([0, 2, 2, 1]).reshaped([4, 2, 1, 1])).tanh()
        }
    }
}
