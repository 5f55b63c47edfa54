import CKernels
import Glibc

/// The three kernels of a 3×3 stride-1 convolution by Winograd's F(2×2, 3×3) (Lavin & Gray,
/// "Fast Algorithms for Convolutional Neural Networks", 2015): 16 products per 2×2 output tile
/// and channel pair where the direct method needs 36, so 2.25× fewer flops in the products.
///
/// Each 2×2 output tile is Aᵀ[U ⊙ V]A with U = G g Gᵀ (the kernel, transformed once per call)
/// and V = Bᵀ d B (the tile's 4×4 input patch); over a chunk of tiles the 16 elementwise products
/// become 16 matrix products U[ξ] · V[ξ] of [out, in] by [in, tiles] (`winograd.c` has the
/// transforms and the layouts).
///
/// - The input gradient of a 3×3 stride-1 convolution with padding p is the convolution of the
///   output gradient with the kernels rotated by 180° and transposed, padding 2 − p.
/// - The weight gradient is the adjoint of the forward in U: dU[ξ] = Σ_tiles (A dY Aᵀ)[ξ] · V[ξ]ᵀ,
///   then dW = Gᵀ dU G.
///
/// The transforms' coefficients are 0, ±1 and ±½: the error they add over the direct method is
/// a few additions' rounding (see `WinogradTests` and BENCHMARKS.md for the measured figures).
/// Parts, chunks and the part-ordered sum of the weight gradient follow `ConvKernels`, so results
/// do not depend on scheduling.
enum Winograd {
    /// Fewer channels than this on either side leave the products too thin for the transforms
    /// to pay (the ResNet's first layer has 3 input channels, its last 3 outputs).
    static let minimumChannels = 16

    /// `WGAN_WINOGRAD=0` in the environment sends every convolution to the im2col kernels, for
    /// before-and-after timings and error measurements in one build.
    static let isEnabled = getenv("WGAN_WINOGRAD").map { String(cString: $0) != "0" } ?? true

    /// Whether a convolution of geometry `g` with `o` output channels runs here.
    static func applies(_ g: ConvGeometry, outChannels o: Int) -> Bool {
        isEnabled && g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
            && g.paddingHeight <= 2 && g.paddingWidth <= 2 && min(g.channels, o) >= minimumChannels
            && max(g.width, g.outputWidth) <= Int(WGAN_WINOGRAD_MAX_WIDTH)
    }

    /// One side of a convolution as the transforms see it: `channels` planes of `height × width`.
    struct Images {
        let channels: Int, height: Int, width: Int
        var plane: Int { height * width }
        var sampleSize: Int { channels * plane }
    }

    /// The 2×2 tiles that cover an output, and the chunk of tiles one batch of products takes.
    struct Tiling {
        let output: Images
        let high: Int, wide: Int
        var perSample: Int { high * wide }

        init(output: Images) {
            self.output = output
            (high, wide) = ((output.height + 1) / 2, (output.width + 1) / 2)
        }

        /// About 4 MB of transformed inputs and products per chunk, at least a few dozen tiles so
        /// that each product is wide enough for OpenBLAS.
        static func chunkTiles(inChannels: Int, outChannels: Int) -> Int {
            max(32, min(512, (1 << 20) / (16 * (inChannels + outChannels))))
        }
    }

    /// Calls `body(firstTile, count)` for the chunks of `samples`' tiles.
    @inline(__always)
    private static func forEachChunk(_ samples: Range<Int>, _ tiling: Tiling, chunk: Int, _ body: (_ first: Int, _ count: Int) -> Void) {
        let end = samples.upperBound * tiling.perSample
        for first in stride(from: samples.lowerBound * tiling.perSample, to: end, by: chunk) { body(first, min(chunk, end - first)) }
    }

    /// y = conv(x, ·) with the kernels of w [O, C, 3, 3], transformed to [16][output channels][input
    /// channels] (`flipped`: rotated and transposed, for the input gradient): input images `input`
    /// padded by (top, left), output images `output`.
    private static func convolve(_ x: UnsafePointer<Float>, _ input: Images, weight w: UnsafePointer<Float>, flipped: Bool,
                                 _ output: Images, padding: (top: Int, left: Int), batch: Int) -> TensorStorage {
        let kernels = TensorStorage(uninitializedCount: 16 * output.channels * input.channels)
        let (weightOut, weightIn) = flipped ? (input.channels, output.channels) : (output.channels, input.channels)
        wgan_winograd_kernel(w, weightOut, weightIn, flipped ? 1 : 0, kernels.pointer)
        defer { withExtendedLifetime(kernels) {} }
        let u = UnsafePointer(kernels.pointer)
        let out = TensorStorage(uninitializedCount: batch * output.sampleSize)
        let y = out.pointer
        let tiling = Tiling(output: output), (c, o) = (input.channels, output.channels)
        let chunk = Tiling.chunkTiles(inChannels: c, outChannels: o)
        let flops = 2 * 16 * c * o * tiling.perSample * batch
        ConvKernels.forEachPart(ConvKernels.partCount(batch: batch, flops: flops), batch: batch) { _, samples in
            let scratch = TensorStorage(uninitializedCount: 16 * (c + o) * min(chunk, samples.count * tiling.perSample))
            defer { withExtendedLifetime(scratch) {} }
            let v = scratch.pointer
            forEachChunk(samples, tiling, chunk: chunk) { first, count in
                let m = v + 16 * c * count
                wgan_winograd_input(x, c, input.height, input.width, input.sampleSize, padding.top, padding.left,
                                    tiling.high, tiling.wide, first, count, v)
                for xi in 0..<16 {
                    BLAS.sgemmOnThisThread(transA: false, transB: false, m: o, n: count, k: c, a: u + xi * o * c, lda: c,
                                           b: v + xi * c * count, ldb: count, c: m + xi * o * count, ldc: count)
                }
                wgan_winograd_output(m, o, first, count, tiling.high, tiling.wide, output.height, output.width, output.sampleSize, y)
            }
        }
        return out
    }

    private static func sides(_ g: ConvGeometry, outChannels o: Int) -> (input: Images, output: Images) {
        (Images(channels: g.channels, height: g.height, width: g.width), Images(channels: o, height: g.outputHeight, width: g.outputWidth))
    }

    /// The convolution of `batch` images x [N, C, H, W] with w [O, C, 3, 3]: [N, O, OH, OW].
    static func forward(_ x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, outChannels o: Int, batch: Int,
                        _ g: ConvGeometry) -> TensorStorage {
        let (input, output) = sides(g, outChannels: o)
        return convolve(x, input, weight: w, flipped: false, output, padding: (g.paddingHeight, g.paddingWidth), batch: batch)
    }

    /// The input gradient [N, C, H, W] for the output gradient gy [N, O, OH, OW].
    static func inputGradient(_ gy: UnsafePointer<Float>, weight w: UnsafePointer<Float>, outChannels o: Int, batch: Int,
                              _ g: ConvGeometry) -> TensorStorage {
        let (input, output) = sides(g, outChannels: o)
        return convolve(gy, output, weight: w, flipped: true, input, padding: (2 - g.paddingHeight, 2 - g.paddingWidth), batch: batch)
    }

    /// The weight gradient [O, C, 3, 3] for input x [N, C, H, W] and output gradient gy [N, O, OH, OW].
    static func weightGradient(_ x: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, outChannels o: Int, batch: Int,
                               _ g: ConvGeometry) -> TensorStorage {
        let (input, output) = sides(g, outChannels: o)
        let tiling = Tiling(output: output), c = g.channels
        let chunk = Tiling.chunkTiles(inChannels: c, outChannels: o)
        let parts = ConvKernels.partCount(batch: batch, flops: 2 * 16 * c * o * tiling.perSample * batch)
        // One dU [16][O][C] per part, added in part order.
        let partials = (0..<parts).map { _ in TensorStorage(count: 16 * o * c, repeating: 0) }
        let targets = partials.map(\.pointer)
        defer { withExtendedLifetime(partials) {} }
        ConvKernels.forEachPart(parts, batch: batch) { index, samples in
            let scratch = TensorStorage(uninitializedCount: 16 * (c + o) * min(chunk, samples.count * tiling.perSample))
            defer { withExtendedLifetime(scratch) {} }
            let (v, du) = (scratch.pointer, targets[index])
            forEachChunk(samples, tiling, chunk: chunk) { first, count in
                let z = v + 16 * c * count
                wgan_winograd_input(x, c, input.height, input.width, input.sampleSize, g.paddingHeight, g.paddingWidth,
                                    tiling.high, tiling.wide, first, count, v)
                wgan_winograd_output_gradient(gy, o, first, count, tiling.high, tiling.wide, output.height, output.width,
                                              output.sampleSize, z)
                for xi in 0..<16 {
                    BLAS.sgemmOnThisThread(transA: false, transB: true, m: o, n: c, k: count, a: z + xi * o * count, lda: count,
                                           b: v + xi * c * count, ldb: count, beta: 1, c: du + xi * o * c, ldc: c)
                }
            }
        }
        let total = ConvKernels.sumInPartOrder(partials, count: 16 * o * c)
        let out = TensorStorage(uninitializedCount: o * c * 9)
        wgan_winograd_kernel_gradient(total, o, c, out.pointer)
        return out
    }
}
