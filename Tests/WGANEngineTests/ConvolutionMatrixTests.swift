@testable import WGANEngine
import XCTest

/// Every kernel path of a convolution (im2col, Winograd, pointwise) against the float64 direct
/// loops over kernels 1, 3, 5 and 7, strides 1 and 2, paddings 0 to 3, odd sizes and batches of
/// one: the forward, the input gradient (also the transposed convolution) and the weight
/// gradient, on one and two threads; then first and second derivatives through the tape.
final class ConvolutionMatrixTests: XCTestCase {
    enum Path: String, CaseIterable { case im2col, winograd, pointwise }

    /// The path `ConvKernels` sends a convolution to by default.
    static func defaultPath(_ g: ConvGeometry, outChannels o: Int) -> Path {
        Winograd.applies(g, outChannels: o) ? .winograd : Pointwise.applies(g) ? .pointwise : .im2col
    }

    struct Case: CustomStringConvertible {
        let g: ConvGeometry, o: Int, batch: Int
        var description: String {
            "\(g.kernelHeight)×\(g.kernelWidth) stride \(g.strideHeight) padding \(g.paddingHeight), \(g.channels)→\(o), "
                + "\(g.height)×\(g.width), batch \(batch)"
        }
    }

    /// The matrix, each case sized so that a specialised path takes it where one can: 16 channels
    /// or more for Winograd, a plane of at least `Pointwise.minimumPlane` for the pointwise path.
    static let cases: [Case] = [1, 3, 5, 7].flatMap { k in
        [1, 2].flatMap { s in
            (0...3).map { p in
                let (c, o) = k == 3 && s == 1 ? (16, 17) : (3, 2)
                let (h, w) = k == 1 && s == 1 && p == 0 ? (17, 19) : (9, 7)
                let g = ConvGeometry(channels: c, height: h, width: w, kernel: (k, k), stride: (s, s), padding: (p, p))
                return Case(g: g, o: o, batch: (k + s + p) % 2 == 0 ? 1 : 2)
            }
        }
    }

    func testTheMatrixReachesEveryPath() {
        let paths = Self.cases.map { Self.defaultPath($0.g, outChannels: $0.o) }
        XCTAssertEqual(paths.filter { $0 == .winograd }.count, 3, "3×3 stride 1, paddings 0–2")
        XCTAssertEqual(paths.filter { $0 == .pointwise }.count, 1, "1×1 stride 1 without padding")
        XCTAssertEqual(paths.filter { $0 == .im2col }.count, 28)
        XCTAssertTrue(Self.cases.contains { $0.batch == 1 } && Self.cases.contains { $0.batch == 2 })
    }

    func testEveryPathMatchesTheDirectLoops() {
        var random = RandomGenerator(seed: 2107)
        for t in Self.cases {
            let direct = DirectConvolution(g: t.g, o: t.o, batch: t.batch)
            let x = Tensor.randn([t.batch * t.g.imageSize], using: &random).scalars
            let w = Tensor.randn([t.o * t.g.rows], using: &random).scalars
            let gy = Tensor.randn([t.batch * t.o * t.g.positions], using: &random).scalars
            let exact = (forward: direct.forward(x, w), input: direct.inputGradient(gy, w), weight: direct.weightGradient(x, gy))
            for im2col in [true, false] {
                for threads in [1, 2] {
                    Parallel.threads = threads
                    defer { Parallel.threads = 1 }
                    let path = im2col ? .im2col : Self.defaultPath(t.g, outChannels: t.o)
                    let label = "\(path.rawValue), \(threads) thread\(threads == 1 ? "" : "s"): \(t)"
                    let forward = ConvKernels.forward(x, weight: w, outChannels: t.o, batch: t.batch, t.g, im2col: im2col)
                    XCTAssertLessThan(relativeError(forward, exact.forward), 2e-6, "forward, \(label)")
                    let input = ConvKernels.inputGradient(gy, weight: w, outChannels: t.o, batch: t.batch, t.g, im2col: im2col)
                    XCTAssertLessThan(relativeError(input, exact.input), 2e-6, "input gradient, \(label)")
                    let weight = ConvKernels.weightGradient(x, gy, outChannels: t.o, batch: t.batch, t.g, im2col: im2col)
                    XCTAssertLessThan(relativeError(weight, exact.weight), 2e-6, "weight gradient, \(label)")
                }
            }
        }
    }

    /// Through the tape, against finite differences: conv2d and its transpose on the im2col path
    /// for each kernel size (stride 2, paddings 0–3), and on the pointwise path. The penalty's
    /// double backward runs all three kernels, so the second derivative covers them together.
    /// (`WinogradTests` checks the Winograd path the same way.)
    func testFirstAndSecondDerivativesOnEveryPath() {
        for (k, padding) in [(1, 0), (3, 1), (5, 2), (7, 3)] {
            let x = randomTensor([1, 2, 5, 5], seed: UInt64(k)), w = randomTensor([2, 2, k, k], seed: UInt64(10 + k)) * 0.3
            check("conv2d \(k)×\(k), stride 2, padding \(padding)", [x, w]) { xs in
                xs[0].conv2d(weight: xs[1], stride: 2, padding: padding)
            }
            check("convTranspose2d \(k)×\(k), stride 2, padding \(padding)", [x, w]) { xs in
                xs[0].convTranspose2d(weight: xs[1], stride: 2, padding: padding, outputPadding: 1)
            }
        }
        let g = ConvGeometry(channels: 2, height: 16, width: 16, kernel: (1, 1), stride: (1, 1), padding: (0, 0))
        XCTAssertEqual(Self.defaultPath(g, outChannels: 3), .pointwise)
        let x = randomTensor([1, 2, 16, 16], seed: 31), w = randomTensor([3, 2, 1, 1], seed: 32)
        check("conv2d 1×1 on the pointwise path", [x, w]) { xs in xs[0].conv2d(weight: xs[1], stride: 1, padding: 0) }
    }
}
