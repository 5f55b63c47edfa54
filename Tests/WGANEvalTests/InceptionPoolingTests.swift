@testable import WGANEval
import WGANEngine
import XCTest

/// The Inception network's own kernels against their definitions: the 3×3 pools (every window
/// position read with bounds checks, over strides, paddings and sizes down to one pixel) and the
/// fused BatchNorm shift and ReLU.
final class InceptionPoolingTests: XCTestCase {
    func testBiasAndReLUInPlace() {
        let y = Tensor([-1, 0.5, .nan, 2, -3, 1, 0, -0.25], shape: [2, 2, 1, 2])
        let out = InceptionKernels.addBiasAndReLUInPlace(y, bias: Tensor([0.5, -1], shape: [2]))
        let values = out.scalars
        XCTAssertEqual(Array(values[0..<2]), [0, 1])
        XCTAssertTrue(values[2].isNaN, "NaN stays NaN")
        XCTAssertEqual(Array(values[3..<8]), [1, 0, 1.5, 0, 0])
    }

    private func reference(_ x: Tensor, _ kind: InceptionKernels.Pooling, stride: Int, padding: Int) -> [Float] {
        let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let outH = (h + 2 * padding - 3) / stride + 1, outW = (w + 2 * padding - 3) / stride + 1
        let values = x.scalars
        var out: [Float] = []
        for plane in 0..<planes {
            for i in 0..<outH {
                for j in 0..<outW {
                    var window: [Float] = []
                    for r in (i * stride - padding)..<(i * stride - padding + 3) where r >= 0 && r < h {
                        for s in (j * stride - padding)..<(j * stride - padding + 3) where s >= 0 && s < w {
                            window.append(values[(plane * h + r) * w + s])
                        }
                    }
                    out.append(kind == .maximum ? window.max()! : window.reduce(0, +) / Float(window.count))
                }
            }
        }
        return out
    }

    func testPoolsMatchTheirDefinition() {
        var random = RandomGenerator(seed: 11)
        for (h, w) in [(7, 9), (1, 1), (2, 5), (3, 3), (8, 2), (35, 35)] {
            for (stride, padding) in [(1, 1), (2, 0), (1, 0), (2, 1)] where h + 2 * padding >= 3 && w + 2 * padding >= 3 {
                let x = Tensor.randn([2, 3, h, w], using: &random)
                for kind in [InceptionKernels.Pooling.maximum, .averageOfValid] {
                    let pooled = InceptionKernels.pool3x3(x, kind, stride: stride, padding: padding).scalars
                    let expected = reference(x, kind, stride: stride, padding: padding)
                    XCTAssertEqual(pooled.count, expected.count, "\(kind) \(h)×\(w) stride \(stride) padding \(padding)")
                    let worst = zip(pooled, expected).map { abs($0 - $1) / max(abs($1), 1) }.max() ?? 0
                    XCTAssertLessThan(worst, 1e-6, "\(kind) \(h)×\(w) stride \(stride) padding \(padding)")
                    if kind == .maximum { XCTAssertEqual(pooled, expected, "a maximum is exact") }
                }
            }
        }
    }
}
