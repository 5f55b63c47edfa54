/// The geometry of a 2-D convolution over an image of `channels × height × width` (one sample),
/// with PyTorch's semantics: cross-correlation, zero padding on both sides, and an output grid of
/// floor((H + 2p − k)/s) + 1 positions per axis.
///
/// The same geometry describes a transposed convolution, whose *output* is this image and whose
/// input is the grid: a transposed convolution is the adjoint of the convolution, so both are
/// built from the same pair of copies, `im2col` and its adjoint `col2im`.
public struct ConvGeometry: Equatable, Sendable {
    public let channels: Int, height: Int, width: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let strideHeight: Int, strideWidth: Int
    public let paddingHeight: Int, paddingWidth: Int

    public init(channels: Int, height: Int, width: Int, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)) {
        precondition(channels > 0 && height > 0 && width > 0, "convolution: empty image \(channels)×\(height)×\(width)")
        precondition(kernel.0 > 0 && kernel.1 > 0 && stride.0 > 0 && stride.1 > 0 && padding.0 >= 0 && padding.1 >= 0,
                     "convolution: kernel \(kernel), stride \(stride), padding \(padding) must be positive (padding ≥ 0)")
        precondition(height + 2 * padding.0 >= kernel.0 && width + 2 * padding.1 >= kernel.1,
                     "convolution: kernel \(kernel) larger than the padded image \(height)×\(width) + 2·\(padding)")
        (self.channels, self.height, self.width) = (channels, height, width)
        (kernelHeight, kernelWidth) = kernel
        (strideHeight, strideWidth) = stride
        (paddingHeight, paddingWidth) = padding
    }

    public var outputHeight: Int { (height + 2 * paddingHeight - kernelHeight) / strideHeight + 1 }
    public var outputWidth: Int { (width + 2 * paddingWidth - kernelWidth) / strideWidth + 1 }
    /// Rows of the column matrix: one per (channel, kernel row, kernel column).
    public var rows: Int { channels * kernelHeight * kernelWidth }
    /// Output positions of one sample.
    public var positions: Int { outputHeight * outputWidth }
    /// Elements of one sample's image.
    public var imageSize: Int { channels * height * width }

    /// Output columns `lo..<hi` whose input column, ow·s − p + kj, lies inside the image: the
    /// rest read padding. Computing the range once per row keeps the copy loops branch-free.
    @inline(__always)
    func validColumns(kernelColumn kj: Int) -> Range<Int> {
        let ow = outputWidth, s = strideWidth
        let first = paddingWidth - kj, last = width - 1 + paddingWidth - kj
        let lo = min(ow, max(0, first <= 0 ? 0 : (first + s - 1) / s))
        let hi = last < 0 ? 0 : min(ow, last / s + 1)
        return lo..<max(lo, hi)
    }
}

/// im2col and col2im over raw storage. The column matrix of `batch` samples is laid out
/// [C·kH·kW, batch·OH·OW]. The whole-batch forms back the `im2col`/`col2im` ops; the convolution
/// kernels (`ConvKernels`) call the serial cores on a few samples at a time, into scratch that
/// stays in cache. Every output element is written by one part in a fixed order: the results
/// do not depend on the number of threads.
enum Im2Col {
    /// Parts for work of `work` elements: from the size and `Parallel.threads` only.
    @inline(__always)
    static func parts(work: Int) -> Int {
        max(1, min(Parallel.threads, work / Parallel.minimumChunk))
    }

    /// cols[(c, ki, kj), (n, oh, ow)] = x[n, c, oh·sH − pH + ki, ow·sW − pW + kj], 0 outside.
    static func im2col(_ x: UnsafePointer<Float>, batch: Int, _ g: ConvGeometry) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: g.rows * batch * g.positions)
        let rows = g.rows, parts = parts(work: rows * batch * g.positions)
        Parallel.run(parts: parts) { part in
            im2col(x, batch: batch, g, into: out.pointer, rows: Parallel.chunk(part, of: parts, count: rows))
        }
        return out
    }

    /// The column rows `rows` of `batch` samples starting at `x`, written into `cols` (leading
    /// dimension batch·OH·OW), on the calling thread.
    static func im2col(_ x: UnsafePointer<Float>, batch: Int, _ g: ConvGeometry, into cols: UnsafeMutablePointer<Float>,
                       rows: Range<Int>) {
        let positions = g.positions, ld = batch * positions
        let (kh, kw, oh, ow) = (g.kernelHeight, g.kernelWidth, g.outputHeight, g.outputWidth)
        let (h, w, sh, sw, ph) = (g.height, g.width, g.strideHeight, g.strideWidth, g.paddingHeight)
        let plane = h * w, pw = g.paddingWidth
        for r in rows {
            let c = r / (kh * kw), ki = (r / kw) % kh, kj = r % kw
            let valid = g.validColumns(kernelColumn: kj)
            for n in 0..<batch {
                let image = x + (n * g.channels + c) * plane
                for i in 0..<oh {
                    let dst = cols + r * ld + n * positions + i * ow
                    let ih = i * sh - ph + ki
                    guard ih >= 0 && ih < h else { dst.update(repeating: 0, count: ow); continue }
                    let base = ih * w + kj - pw
                    dst.update(repeating: 0, count: valid.lowerBound)
                    if sw == 1 {
                        (dst + valid.lowerBound).update(from: image + base + valid.lowerBound, count: valid.count)
                    } else {
                        for o in valid { dst[o] = image[base + o * sw] }
                    }
                    (dst + valid.upperBound).update(repeating: 0, count: ow - valid.upperBound)
                }
            }
        }
    }

    /// The adjoint of `im2col`: every column entry is added back into the pixel it was copied
    /// from; padding entries are dropped. Split by (sample, channel) planes, each summed in the
    /// same order whatever the split.
    static func col2im(_ cols: UnsafePointer<Float>, batch: Int, _ g: ConvGeometry) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: batch * g.imageSize)
        let planes = batch * g.channels, parts = parts(work: g.rows * batch * g.positions)
        Parallel.run(parts: parts) { part in
            col2im(cols, batch: batch, g, into: out.pointer, planes: Parallel.chunk(part, of: parts, count: planes))
        }
        return out
    }

    /// Planes `planes` (numbered channel-major: p = c·batch + n) of the images of `batch` samples
    /// summed from `cols` into `image`, on the calling thread. Channel-major order makes
    /// consecutive planes read consecutive stretches of the same kH·kW column rows.
    static func col2im(_ cols: UnsafePointer<Float>, batch: Int, _ g: ConvGeometry, into image: UnsafeMutablePointer<Float>,
                       planes: Range<Int>) {
        let positions = g.positions, ld = batch * positions
        let (kh, kw, oh, ow) = (g.kernelHeight, g.kernelWidth, g.outputHeight, g.outputWidth)
        let (h, w, sh, sw, ph) = (g.height, g.width, g.strideHeight, g.strideWidth, g.paddingHeight)
        let plane = h * w, pw = g.paddingWidth, channels = g.channels
        for p in planes {
            let c = p / batch, n = p % batch
            let dst = image + (n * channels + c) * plane
            dst.update(repeating: 0, count: plane)
            for ki in 0..<kh {
                for kj in 0..<kw {
                    let valid = g.validColumns(kernelColumn: kj)
                    let row = cols + ((c * kh + ki) * kw + kj) * ld + n * positions
                    for i in 0..<oh {
                        let ih = i * sh - ph + ki
                        guard ih >= 0 && ih < h else { continue }
                        let src = row + i * ow, base = ih * w + kj - pw
                        if sw == 1 {
                            let d = dst + base
                            for o in valid { d[o] += src[o] }
                        } else {
                            for o in valid { dst[base + o * sw] += src[o] }
                        }
                    }
                }
            }
        }
    }
}
