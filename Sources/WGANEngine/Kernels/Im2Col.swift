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
}

/// im2col and col2im over raw storage. The column matrix of `batch` samples is laid out
/// [C·kH·kW, batch·OH·OW], padding included. They back `Tensor.Reference`'s im2col and
/// col2im, kept for tests only; the convolution kernels (`ConvKernels`) build their column
/// matrices region by region instead, without the padding. Every output element is written by one part in a fixed order: the
/// results do not depend on the number of threads.
///
/// Both cores work on one zero-padded copy of an image plane at a time: column row (ki, kj) of
/// a sample is then the plane read at offset ki·Wp + kj through one table of OH·OW offsets
/// (i·sH·Wp + j·sW) shared by every kernel position, a branch-free loop over all of the
/// sample's positions instead of per-row range checks and short copies.
enum Im2Col {
    /// Parts for work of `work` elements: from the size and `Parallel.threads` only.
    @inline(__always)
    static func parts(work: Int) -> Int {
        max(1, min(Parallel.threads, work / Parallel.minimumChunk))
    }

    /// cols[(c, ki, kj), (n, oh, ow)] = x[n, c, oh·sH − pH + ki, ow·sW − pW + kj], 0 outside.
    static func im2col(_ x: UnsafePointer<Float>, batch: Int, _ g: ConvGeometry) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: g.rows * batch * g.positions)
        let parts = min(g.channels, parts(work: g.rows * batch * g.positions))
        Parallel.run(parts: parts) { part in
            im2col(x, batch: batch, g, into: out.pointer, channels: (part * g.channels / parts)..<((part + 1) * g.channels / parts))
        }
        return out
    }

    /// The adjoint of `im2col`: every column entry is added back into the pixel it was copied
    /// from; padding entries are dropped. Each pixel is summed in the same order whatever the split.
    static func col2im(_ cols: UnsafePointer<Float>, batch: Int, _ g: ConvGeometry) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: batch * g.imageSize)
        let parts = min(g.channels, parts(work: g.rows * batch * g.positions))
        Parallel.run(parts: parts) { part in
            col2im(cols, batch: batch, g, into: out.pointer, channels: (part * g.channels / parts)..<((part + 1) * g.channels / parts))
        }
        return out
    }

    /// Runs `body(offsets, plane)` with the table of OH·OW read offsets into a padded plane and
    /// scratch for one padded plane ((H + 2pH) × (W + 2pW), its border zero).
    @inline(__always)
    private static func withScratch(_ g: ConvGeometry, _ body: (UnsafePointer<Int>, UnsafeMutablePointer<Float>) -> Void) {
        let wp = g.width + 2 * g.paddingWidth, hp = g.height + 2 * g.paddingHeight
        let (oh, ow, sh, sw) = (g.outputHeight, g.outputWidth, g.strideHeight, g.strideWidth)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: oh * ow) { offsets in
            for i in 0..<oh { for j in 0..<ow { offsets[i * ow + j] = i * sh * wp + j * sw } }
            withUnsafeTemporaryAllocation(of: Float.self, capacity: hp * wp) { plane in
                plane.baseAddress!.initialize(repeating: 0, count: hp * wp)
                body(UnsafePointer(offsets.baseAddress!), plane.baseAddress!)
            }
        }
    }

    /// The column rows of channels `channels` of `batch` samples starting at `x`, written into
    /// `cols` (leading dimension batch·OH·OW), on the calling thread.
    static func im2col(_ x: UnsafePointer<Float>, batch: Int, _ g: ConvGeometry, into cols: UnsafeMutablePointer<Float>,
                       channels: Range<Int>) {
        let positions = g.positions, ld = batch * positions
        let (kh, kw, h, w) = (g.kernelHeight, g.kernelWidth, g.height, g.width)
        let (ph, pw) = (g.paddingHeight, g.paddingWidth), wp = w + 2 * pw
        withScratch(g) { offsets, padded in
            for n in 0..<batch {
                for c in channels {
                    let image = x + (n * g.channels + c) * h * w
                    for i in 0..<h { (padded + (i + ph) * wp + pw).update(from: image + i * w, count: w) }
                    for ki in 0..<kh {
                        for kj in 0..<kw {
                            let dst = cols + ((c * kh + ki) * kw + kj) * ld + n * positions
                            let src = UnsafePointer(padded + ki * wp + kj)
                            for j in 0..<positions { dst[j] = src[offsets[j]] }
                        }
                    }
                }
            }
        }
    }

    /// The images of channels `channels` of `batch` samples summed from `cols` into `image`, on
    /// the calling thread: each padded plane accumulates its kH·kW rows in order, then its
    /// interior is copied out.
    static func col2im(_ cols: UnsafePointer<Float>, batch: Int, _ g: ConvGeometry, into image: UnsafeMutablePointer<Float>,
                       channels: Range<Int>) {
        let positions = g.positions, ld = batch * positions
        let (kh, kw, h, w) = (g.kernelHeight, g.kernelWidth, g.height, g.width)
        let (ph, pw) = (g.paddingHeight, g.paddingWidth), wp = w + 2 * pw, hp = h + 2 * ph
        withScratch(g) { offsets, padded in
            for n in 0..<batch {
                for c in channels {
                    if n > 0 || c != channels.lowerBound { padded.update(repeating: 0, count: hp * wp) }
                    for ki in 0..<kh {
                        for kj in 0..<kw {
                            let src = cols + ((c * kh + ki) * kw + kj) * ld + n * positions
                            let dst = padded + ki * wp + kj
                            for j in 0..<positions { dst[offsets[j]] += src[j] }
                        }
                    }
                    let out = image + (n * g.channels + c) * h * w
                    for i in 0..<h { (out + i * w).update(from: padded + (i + ph) * wp + pw, count: w) }
                }
            }
        }
    }
}
