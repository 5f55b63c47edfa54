@testable import WGANEngine
import XCTest

/// Winograd F(2×2, 3×3) against direct loops in float64, for each of the three kernels, over
/// paddings 0–2, odd and one-pixel sizes, and batches of one and several; and its error beside
/// the im2col kernels' on the same inputs.
final class WinogradTests: XCTestCase {
    /// A 3×3 stride-1 geometry with `channels` inputs.
    private func geometry(_ channels: Int, _ height: Int, _ width: Int, padding: (Int, Int)) -> ConvGeometry {
        ConvGeometry(channels: channels, height: height, width: width, kernel: (3, 3), stride: (1, 1), padding: padding)
    }

    /// The three kernels, within float32 rounding of the exact values, on every geometry; and no
    /// more than a few times the im2col kernels' own error.
    func testTheThreeKernelsMatchDirectLoops() {
        var random = RandomGenerator(seed: 21)
        let cases: [(c: Int, o: Int, h: Int, w: Int, padding: (Int, Int), batch: Int)] = [
            (16, 16, 8, 8, (1, 1), 2), (17, 19, 5, 7, (1, 1), 3), (16, 16, 1, 1, (1, 1), 1), (16, 18, 6, 5, (0, 0), 2),
            (18, 16, 4, 3, (2, 2), 1), (16, 16, 7, 6, (0, 2), 2), (16, 16, 3, 3, (0, 0), 1), (16, 16, 3, 512, (1, 1), 1),
            (16, 16, 2, 511, (2, 0), 1),
        ]
        for t in cases {
            let g = geometry(t.c, t.h, t.w, padding: t.padding)
            XCTAssertTrue(Winograd.applies(g, outChannels: t.o))
            let direct = DirectConvolution(g: g, o: t.o, batch: t.batch)
            let x = Tensor.randn([t.batch * g.imageSize], using: &random).scalars
            let w = Tensor.randn([t.o * t.c * 9], using: &random).scalars
            let gy = Tensor.randn([t.batch * t.o * g.positions], using: &random).scalars
            let label = "\(t.c)→\(t.o), \(t.h)×\(t.w), padding \(t.padding), batch \(t.batch)"
            for threads in [1, 2] {
                Parallel.threads = threads
                defer { Parallel.threads = 1 }
                let (forward, lowered) = (Winograd.forward(x, weight: w, outChannels: t.o, batch: t.batch, g),
                                          ConvKernels.forward(x, weight: w, outChannels: t.o, batch: t.batch, g, im2col: true))
                let exactForward = direct.forward(x, w)
                XCTAssertLessThan(relativeError(forward, exactForward), 2e-6, "forward \(label)")
                XCTAssertLessThan(relativeError(forward, exactForward), 4 * relativeError(lowered, exactForward) + 1e-7, "forward \(label)")
                let exactInput = direct.inputGradient(gy, w)
                XCTAssertLessThan(relativeError(Winograd.inputGradient(gy, weight: w, outChannels: t.o, batch: t.batch, g), exactInput), 2e-6,
                                  "input gradient \(label)")
                let exactWeight = direct.weightGradient(x, gy)
                XCTAssertLessThan(relativeError(Winograd.weightGradient(x, gy, outChannels: t.o, batch: t.batch, g), exactWeight), 2e-6,
                                  "weight gradient \(label)")
            }
        }
    }

    /// Thin layers, strides, other kernels, padding over 2 and `WGAN_WINOGRAD=0` stay on im2col.
    func testOnlyWideThreeByThreeStrideOneConvolutionsUseIt() {
        XCTAssertTrue(Winograd.applies(geometry(128, 32, 32, padding: (1, 1)), outChannels: 128))
        XCTAssertFalse(Winograd.applies(geometry(3, 32, 32, padding: (1, 1)), outChannels: 128), "the ResNet's first layer")
        XCTAssertFalse(Winograd.applies(geometry(128, 32, 32, padding: (1, 1)), outChannels: 3), "the ResNet's last layer")
        XCTAssertFalse(Winograd.applies(geometry(128, 8, 8, padding: (3, 3)), outChannels: 128))
        XCTAssertTrue(Winograd.applies(geometry(16, 2, 512, padding: (1, 1)), outChannels: 16))
        XCTAssertFalse(Winograd.applies(geometry(16, 2, 513, padding: (1, 1)), outChannels: 16), "wider than the row buffers")
        XCTAssertFalse(Winograd.applies(ConvGeometry(channels: 64, height: 16, width: 16, kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
                                        outChannels: 64))
        XCTAssertFalse(Winograd.applies(ConvGeometry(channels: 64, height: 16, width: 16, kernel: (5, 5), stride: (1, 1), padding: (2, 2)),
                                        outChannels: 64))
        XCTAssertTrue(Winograd.isEnabled, "the tests run with Winograd on")
    }

    /// Through the tape: conv2d's first and second derivatives on the Winograd path (the
    /// penalty's double backward runs all three kernels) against finite differences.
    func testFirstAndSecondDerivativesThroughWinograd() {
        let x = randomTensor([1, 16, 3, 4], seed: 3), w = randomTensor([16, 16, 3, 3], seed: 4) * 0.3
        XCTAssertTrue(Winograd.applies(geometry(16, 3, 4, padding: (1, 1)), outChannels: 16))
        check("conv2d 3×3 on the Winograd path", [x, w]) { xs in xs[0].conv2d(weight: xs[1], stride: 1, padding: 1) }
    }
}
