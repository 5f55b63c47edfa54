@testable import WGANEngine
import XCTest

/// Convolutions against direct loops written from PyTorch's definitions and against the im2col
/// reference, the adjoint identity between conv2d and convTranspose2d, and finite-difference checks
/// of both derivatives.
final class ConvolutionTests: XCTestCase {
    struct Config {
        var batch = 1, channels = 1, height = 5, width = 5, outChannels = 2
        var kernel = (3, 3), stride = (1, 1), padding = (0, 0), outputPadding = (0, 0), bias = true
    }

    /// y[n, o, i, j] = b[o] + Σ x[n, c, i·s − p + ki, j·s − p + kj]·w[o, c, ki, kj], zero outside.
    private func directConv(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ cfg: Config) -> (values: [Float], shape: [Int]) {
        let (n, c, h, wd, o) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0])
        let oh = (h + 2 * cfg.padding.0 - cfg.kernel.0) / cfg.stride.0 + 1
        let ow = (wd + 2 * cfg.padding.1 - cfg.kernel.1) / cfg.stride.1 + 1
        let xs = x.scalars, ws = w.scalars, bs = b?.scalars
        var out = [Float](repeating: 0, count: n * o * oh * ow)
        for s in 0..<n { for f in 0..<o { for i in 0..<oh { for j in 0..<ow {
            var acc = bs?[f] ?? 0
            for ch in 0..<c { for ki in 0..<cfg.kernel.0 { for kj in 0..<cfg.kernel.1 {
                let ih = i * cfg.stride.0 - cfg.padding.0 + ki, iw = j * cfg.stride.1 - cfg.padding.1 + kj
                guard ih >= 0, ih < h, iw >= 0, iw < wd else { continue }
                acc += xs[((s * c + ch) * h + ih) * wd + iw] * ws[((f * c + ch) * cfg.kernel.0 + ki) * cfg.kernel.1 + kj]
            } } }
            out[((s * o + f) * oh + i) * ow + j] = acc
        } } } }
        return (out, [n, o, oh, ow])
    }

    /// Each input pixel scatters x·w[c, o, ki, kj] to output (i·s − p + ki, j·s − p + kj).
    private func directTranspose(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ cfg: Config) -> (values: [Float], shape: [Int]) {
        let (n, c, h, wd, o) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[1])
        let oh = (h - 1) * cfg.stride.0 - 2 * cfg.padding.0 + cfg.kernel.0 + cfg.outputPadding.0
        let ow = (wd - 1) * cfg.stride.1 - 2 * cfg.padding.1 + cfg.kernel.1 + cfg.outputPadding.1
        let xs = x.scalars, ws = w.scalars
        var out = [Float](repeating: 0, count: n * o * oh * ow)
        for s in 0..<n { for ch in 0..<c { for i in 0..<h { for j in 0..<wd { for f in 0..<o {
            for ki in 0..<cfg.kernel.0 { for kj in 0..<cfg.kernel.1 {
                let y = i * cfg.stride.0 - cfg.padding.0 + ki, z = j * cfg.stride.1 - cfg.padding.1 + kj
                guard y >= 0, y < oh, z >= 0, z < ow else { continue }
                out[((s * o + f) * oh + y) * ow + z] += xs[((s * c + ch) * h + i) * wd + j]
                    * ws[((ch * o + f) * cfg.kernel.0 + ki) * cfg.kernel.1 + kj]
            } }
        } } } } }
        if let b = b?.scalars {
            for k in out.indices { out[k] += b[(k / (oh * ow)) % o] }
        }
        return (out, [n, o, oh, ow])
    }

    private let convConfigs: [Config] = [
        Config(),
        Config(batch: 2, channels: 3, height: 7, width: 6, outChannels: 4, stride: (2, 2), padding: (1, 1), bias: false),
        Config(batch: 2, channels: 2, height: 9, width: 8, outChannels: 3, kernel: (5, 5), stride: (2, 2), padding: (2, 2)),
        Config(batch: 3, channels: 2, height: 6, width: 7, outChannels: 2, kernel: (2, 3), stride: (1, 2), padding: (1, 0)),
        Config(batch: 1, channels: 2, height: 4, width: 4, outChannels: 3, kernel: (4, 4), bias: false),
        Config(batch: 2, channels: 1, height: 5, width: 5, outChannels: 1, kernel: (1, 1), stride: (2, 2)),
        Config(batch: 1, channels: 2, height: 3, width: 3, outChannels: 2, kernel: (3, 3), stride: (2, 2), padding: (2, 2)),
        // Outer rows and columns whose whole window is padding: their outputs are the bias alone.
        Config(batch: 2, channels: 1, height: 2, width: 3, outChannels: 2, kernel: (2, 2), padding: (3, 2)),
        // A 38×38 interior of 1,444 positions: more than one chunk per region, the last one short.
        Config(batch: 3, channels: 1, height: 40, width: 40, outChannels: 2, kernel: (3, 3), padding: (1, 1), bias: false),
    ]

    private let transposeConfigs: [Config] = [
        Config(batch: 2, channels: 3, height: 4, width: 4, outChannels: 2, kernel: (5, 5), stride: (2, 2), padding: (2, 2), outputPadding: (1, 1)),
        Config(batch: 1, channels: 2, height: 3, width: 5, outChannels: 3, kernel: (3, 2), stride: (2, 1), padding: (1, 0), outputPadding: (1, 0), bias: false),
        Config(batch: 2, channels: 2, height: 7, width: 7, outChannels: 1, kernel: (5, 5), stride: (2, 2), padding: (2, 2), outputPadding: (1, 1)),
        Config(batch: 1, channels: 1, height: 3, width: 3, outChannels: 2),
        Config(batch: 2, channels: 2, height: 3, width: 2, outChannels: 2, kernel: (3, 3), stride: (3, 3), padding: (1, 1), outputPadding: (2, 1), bias: false),
    ]

    private func inputs(_ cfg: Config, transpose: Bool, seed: UInt64) -> (x: Tensor, w: Tensor, b: Tensor?) {
        let x = randomTensor([cfg.batch, cfg.channels, cfg.height, cfg.width], seed: seed)
        let wShape = transpose ? [cfg.channels, cfg.outChannels, cfg.kernel.0, cfg.kernel.1]
                               : [cfg.outChannels, cfg.channels, cfg.kernel.0, cfg.kernel.1]
        return (x, randomTensor(wShape, seed: seed + 1), cfg.bias ? randomTensor([cfg.outChannels], seed: seed + 2) : nil)
    }

    func testConv2dMatchesDirectLoops() {
        for (k, cfg) in convConfigs.enumerated() {
            let (x, w, b) = inputs(cfg, transpose: false, seed: UInt64(10 * k))
            let y = x.conv2d(weight: w, bias: b, stride: cfg.stride, padding: cfg.padding)
            let expected = directConv(x, w, b, cfg)
            XCTAssertEqual(y.shape, expected.shape, "config \(k)")
            assertClose(y.scalars, expected.values)
        }
    }

    func testConvTranspose2dMatchesDirectLoops() {
        for (k, cfg) in transposeConfigs.enumerated() {
            let (x, w, b) = inputs(cfg, transpose: true, seed: UInt64(10 * k + 100))
            let y = x.convTranspose2d(weight: w, bias: b, stride: cfg.stride, padding: cfg.padding, outputPadding: cfg.outputPadding)
            let expected = directTranspose(x, w, b, cfg)
            XCTAssertEqual(y.shape, expected.shape, "config \(k)")
            assertClose(y.scalars, expected.values)
        }
    }

    /// The paper's generator sizes: 4 → 8 (cropped to 7) → 14 → 28 with k 5, s 2, p 2, op 1; and
    /// the critic's 28 → 14 → 7 → 4.
    func testTheMNISTModelsSizes() {
        let w = Tensor.zeros([1, 1, 5, 5])
        var shape = [1, 1, 4, 4]
        for expected in [8, 14, 28] {
            let x = Tensor.zeros(shape).convTranspose2d(weight: w, stride: 2, padding: 2, outputPadding: 1)
            XCTAssertEqual(x.shape, [1, 1, expected, expected])
            shape = expected == 8 ? [1, 1, 7, 7] : x.shape
        }
        var x = Tensor.zeros([1, 1, 28, 28])
        for expected in [14, 7, 4] {
            x = x.conv2d(weight: w, stride: 2, padding: 2)
            XCTAssertEqual(x.shape, [1, 1, expected, expected])
        }
    }

    /// ⟨conv(x), y⟩ = ⟨x, convTranspose(y)⟩ with one weight: the transpose is the adjoint.
    func testConvTransposeIsTheAdjointOfConv() {
        for (k, cfg) in convConfigs.enumerated() {
            let (x, w, _) = inputs(cfg, transpose: false, seed: UInt64(10 * k + 200))
            let cx = x.conv2d(weight: w, stride: cfg.stride, padding: cfg.padding)
            let y = randomTensor(cx.shape, seed: UInt64(k))
            // The transpose may come out smaller than x where the convolution ignored edge pixels;
            // output padding restores them.
            let extra = ((cfg.height + 2 * cfg.padding.0 - cfg.kernel.0) % cfg.stride.0,
                         (cfg.width + 2 * cfg.padding.1 - cfg.kernel.1) % cfg.stride.1)
            let ty = y.convTranspose2d(weight: w, stride: cfg.stride, padding: cfg.padding, outputPadding: extra)
            XCTAssertEqual(ty.shape, x.shape, "config \(k)")
            let left = (cx * y).sum().item, right = (x * ty).sum().item
            XCTAssertEqual(left, right, accuracy: 1e-4 * max(1, abs(left)), "config \(k)")
        }
    }

    func testIm2ColAndCol2ImAreAdjoint() {
        let geometry = ConvGeometry(channels: 2, height: 5, width: 6, kernel: (3, 2), stride: (2, 1), padding: (1, 1))
        let x = randomTensor([2, 2, 5, 6], seed: 1)
        let cols = Tensor.Reference.im2col(x, geometry)
        let y = randomTensor(cols.shape, seed: 2)
        XCTAssertEqual((cols * y).sum().item, (x * Tensor.Reference.col2im(y, geometry, batch: 2)).sum().item, accuracy: 1e-4)
    }

    /// The region kernels against the whole-matrix lowering they replaced: a convolution is its weight
    /// [O, C·kH·kW] times im2col's matrix, a transposed one col2im of the weight's transpose times the input.
    func testConvolutionsMatchTheIm2ColReference() {
        for (k, cfg) in convConfigs.enumerated() {
            let (x, w, _) = inputs(cfg, transpose: false, seed: UInt64(10 * k + 500))
            let geometry = ConvGeometry(channels: cfg.channels, height: cfg.height, width: cfg.width,
                                        kernel: cfg.kernel, stride: cfg.stride, padding: cfg.padding)
            let product = w.reshaped([cfg.outChannels, geometry.rows]).matmul(Tensor.Reference.im2col(x, geometry))
            let expected = product.reshaped([cfg.outChannels, cfg.batch, geometry.outputHeight, geometry.outputWidth]).permuted([1, 0, 2, 3])
            assertClose(x.conv2d(weight: w, stride: cfg.stride, padding: cfg.padding).scalars, expected.scalars)
        }
        for (k, cfg) in transposeConfigs.enumerated() {
            let (x, w, _) = inputs(cfg, transpose: true, seed: UInt64(10 * k + 600))
            let y = x.convTranspose2d(weight: w, stride: cfg.stride, padding: cfg.padding, outputPadding: cfg.outputPadding)
            let geometry = ConvGeometry(channels: cfg.outChannels, height: y.shape[2], width: y.shape[3],
                                        kernel: cfg.kernel, stride: cfg.stride, padding: cfg.padding)
            let columns = w.reshaped([cfg.channels, geometry.rows])
                .matmul(x.permuted([1, 0, 2, 3]).reshaped([cfg.channels, cfg.batch * geometry.positions]), transposeSelf: true)
            assertClose(y.scalars, Tensor.Reference.col2im(columns, geometry, batch: cfg.batch).scalars)
        }
    }

    func testGradientsOfConvolutions() {
        let geometry = ConvGeometry(channels: 2, height: 5, width: 4, kernel: (3, 2), stride: (2, 1), padding: (1, 1))
        check("im2col", [randomTensor([2, 2, 5, 4], seed: 1)]) { Tensor.Reference.im2col($0[0], geometry).square() }
        check("col2im", [randomTensor([12, 2 * geometry.positions], seed: 2)]) { Tensor.Reference.col2im($0[0], geometry, batch: 2).square() }
        for (k, cfg) in [convConfigs[1], convConfigs[2], convConfigs[3], convConfigs[6], convConfigs[7]].enumerated() {
            let (x, w, b) = inputs(cfg, transpose: false, seed: UInt64(300 + 10 * k))
            check("conv2d \(k)", [x, w] + (b.map { [$0] } ?? [])) { t in
                t[0].conv2d(weight: t[1], bias: t.count > 2 ? t[2] : nil, stride: cfg.stride, padding: cfg.padding).square()
            }
        }
        for (k, cfg) in [transposeConfigs[0], transposeConfigs[1], transposeConfigs[4]].enumerated() {
            let (x, w, b) = inputs(cfg, transpose: true, seed: UInt64(400 + 10 * k))
            check("convTranspose2d \(k)", [x, w] + (b.map { [$0] } ?? [])) { t in
                t[0].convTranspose2d(weight: t[1], bias: t.count > 2 ? t[2] : nil, stride: cfg.stride,
                                     padding: cfg.padding, outputPadding: cfg.outputPadding).square()
            }
        }
    }

    /// A gradient penalty through conv → leakyReLU → conv → flatten → linear, differentiated
    /// with respect to every weight: the critic's double backward in miniature. The penalty
    /// jumps where a pre-activation crosses leakyReLU's kink, so the inputs are chosen with every
    /// first-layer pre-activation more than 0.02 from 0: a finite-difference step of 0.01 in one
    /// weight (inputs in ±1) or bias cannot cross it.
    func testGradientPenaltyThroughConvolutions() {
        let x = randomTensor([2, 1, 6, 6], seed: 90)
        let params = [randomTensor([3, 1, 3, 3], seed: 91), randomTensor([3], seed: 92),
                      randomTensor([2, 3, 3, 3], seed: 93), randomTensor([2], seed: 94),
                      randomTensor([1, 8], seed: 95), randomTensor([1], seed: 96)]
        let preActivations = x.conv2d(weight: params[0], bias: params[1], stride: 2, padding: 1)
        XCTAssertGreaterThan(preActivations.scalars.map(abs).min()!, 0.02)
        let penalty: ([Tensor]) -> Tensor = { p in
            let input = x.requiringGrad()
            let h = input.conv2d(weight: p[0], bias: p[1], stride: 2, padding: 1).leakyReLU(negativeSlope: 0.2)
            let d = h.conv2d(weight: p[2], bias: p[3], stride: 2, padding: 1).flattened().linear(weight: p[4], bias: p[5])
            let g = gradients(of: d, withRespectTo: [input], createGraph: true)[0]
            return (g.flattened().norm(axes: [1]) - 1).square().mean()
        }
        XCTAssertLessThan(GradientCheck.firstOrderError(at: params, penalty), firstOrderTolerance)
    }
}
