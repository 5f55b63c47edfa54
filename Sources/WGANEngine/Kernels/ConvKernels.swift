/// The three kernels of a 2-D convolution with weight W [O, C, kH, kW] over `batch` images
/// [N, C, H, W] (NCHW): the convolution itself, its input gradient (the transposed convolution)
/// and its weight gradient. Each works through the batch a few samples at a time: the chunk's
/// column matrix [C·kH·kW, n·OH·OW] is built in scratch that stays in cache and goes straight
/// into one product, so no whole-batch column matrix is ever written to memory, kept alive for
/// a backward pass, or permuted between [O, N·OH·OW] and NCHW (only the small [O, n·OH·OW]
/// product of a chunk is reordered, while it is in cache).
///
/// The batch is split into contiguous sample ranges, one per part; the part count depends only
/// on the sizes and `Parallel.threads`, and each part's products are single OpenBLAS calls, so
/// results never depend on scheduling. The weight gradient sums the parts' partial gradients in
/// part order.
enum ConvKernels {
    /// Columns per chunk product: enough for OpenBLAS to run near its full rate, few enough that
    /// a chunk's column matrix stays in the core's own cache (the critic's 1,600 rows × 98
    /// columns: 0.6 MB). On the 2-core test machine, 128 beat 64, 256, 512 and 1,024 (4% over 256).
    static let targetColumns = 128

    /// Samples per chunk for `geometry`.
    static func chunkSamples(_ g: ConvGeometry) -> Int { max(1, targetColumns / g.positions) }

    /// How many parts a kernel of `flops` over `batch` samples is split into.
    static func partCount(batch: Int, flops: Int) -> Int {
        max(1, min(batch, Parallel.parts(forWork: flops, minimum: 1 << 20)))
    }

    /// Calls `body(part, samples)` for `parts` contiguous sample ranges covering 0..<batch, as
    /// parts of one parallel region.
    @inline(__always)
    static func forEachPart(_ parts: Int, batch: Int, _ body: (_ part: Int, _ samples: Range<Int>) -> Void) {
        Parallel.run(parts: parts) { part in body(part, (part * batch / parts)..<((part + 1) * batch / parts)) }
    }

    /// y[n, o, ·] = Σ W[o, ·]·cols_n[·, ·]: the convolution, [N, O, OH·OW].
    static func forward(_ x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, outChannels o: Int, batch: Int,
                        _ g: ConvGeometry) -> TensorStorage {
        let (p, r) = (g.positions, g.rows)
        let out = TensorStorage(uninitializedCount: batch * o * p)
        let y = out.pointer, chunk = chunkSamples(g)
        forEachPart(partCount(batch: batch, flops: o * r * p * batch), batch: batch) { _, samples in
            let cap = min(chunk, samples.count)
            let cols = TensorStorage(uninitializedCount: r * cap * p)
            let product = cap > 1 ? TensorStorage(uninitializedCount: o * cap * p) : nil
            for start in stride(from: samples.lowerBound, to: samples.upperBound, by: cap) {
                let n = min(cap, samples.upperBound - start), ld = n * p
                Im2Col.im2col(x + start * g.imageSize, batch: n, g, into: cols.pointer, channels: 0..<g.channels)
                // One sample's product is already its NCHW block; several come out [O, n, OH·OW].
                let target = n == 1 ? y + start * o * p : product!.pointer
                BLAS.sgemmOnThisThread(transA: false, transB: false, m: o, n: ld, k: r, a: w, lda: r,
                                       b: cols.pointer, ldb: ld, c: target, ldc: ld)
                if n > 1 { reorder(product!.pointer, into: y + start * o * p, outer: o, inner: n, length: p) }
            }
        }
        return out
    }

    /// The adjoint of `forward` in x: cols_n = Wᵀ·gy_n, summed back into images by col2im.
    /// With W a transposed convolution's weight [C_in, C_out, kH, kW], this is that convolution.
    static func inputGradient(_ gy: UnsafePointer<Float>, weight w: UnsafePointer<Float>, outChannels o: Int, batch: Int,
                              _ g: ConvGeometry) -> TensorStorage {
        let (p, r) = (g.positions, g.rows)
        let out = TensorStorage(uninitializedCount: batch * g.imageSize)
        let x = out.pointer, chunk = chunkSamples(g)
        forEachPart(partCount(batch: batch, flops: o * r * p * batch), batch: batch) { _, samples in
            let cap = min(chunk, samples.count)
            let cols = TensorStorage(uninitializedCount: r * cap * p)
            let gathered = cap > 1 ? TensorStorage(uninitializedCount: o * cap * p) : nil
            for start in stride(from: samples.lowerBound, to: samples.upperBound, by: cap) {
                let n = min(cap, samples.upperBound - start), ld = n * p
                let source = n == 1 ? UnsafePointer(gy + start * o * p) : gather(gy + start * o * p, into: gathered!.pointer,
                                                                                  outer: o, inner: n, length: p)
                BLAS.sgemmOnThisThread(transA: true, transB: false, m: r, n: ld, k: o, a: w, lda: r,
                                       b: source, ldb: ld, c: cols.pointer, ldc: ld)
                Im2Col.col2im(cols.pointer, batch: n, g, into: x + start * g.imageSize, channels: 0..<g.channels)
            }
        }
        return out
    }

    /// dW[o, ·] = Σ_n gy_n[o, ·]·cols_nᵀ: the weight gradient [O, C·kH·kW] of `forward` for the
    /// output gradient gy [N, O, OH·OW] at input x.
    static func weightGradient(_ x: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, outChannels o: Int, batch: Int,
                               _ g: ConvGeometry) -> TensorStorage {
        let (p, r) = (g.positions, g.rows)
        let out = TensorStorage(uninitializedCount: o * r)
        let chunk = chunkSamples(g)
        // One partial sum per part beyond the first (which writes the output), added in order.
        let parts = partCount(batch: batch, flops: o * r * p * batch)
        let partials = (1..<parts).map { _ in TensorStorage(uninitializedCount: o * r) }
        let targets = [out.pointer] + partials.map(\.pointer)
        forEachPart(parts, batch: batch) { part, samples in
            let cap = min(chunk, samples.count)
            let cols = TensorStorage(uninitializedCount: r * cap * p)
            let gathered = cap > 1 ? TensorStorage(uninitializedCount: o * cap * p) : nil
            var first = true
            for start in stride(from: samples.lowerBound, to: samples.upperBound, by: cap) {
                let n = min(cap, samples.upperBound - start), ld = n * p
                Im2Col.im2col(x + start * g.imageSize, batch: n, g, into: cols.pointer, channels: 0..<g.channels)
                let source = n == 1 ? UnsafePointer(gy + start * o * p) : gather(gy + start * o * p, into: gathered!.pointer,
                                                                                  outer: o, inner: n, length: p)
                BLAS.sgemmOnThisThread(transA: false, transB: true, m: o, n: r, k: ld, a: source, lda: ld,
                                       b: cols.pointer, ldb: ld, beta: first ? 0 : 1, c: targets[part], ldc: r)
                first = false
            }
        }
        let total = out.pointer
        for partial in partials {
            let add = UnsafePointer(partial.pointer)
            Parallel.forEachRange(o * r) { range in for i in range { total[i] += add[i] } }
        }
        return out
    }

    /// [O, n, L] (a chunk's product) → [n, O, L] (NCHW).
    @inline(__always)
    static func reorder(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                        outer o: Int, inner n: Int, length p: Int) {
        for s in 0..<n {
            for c in 0..<o { (destination + (s * o + c) * p).update(from: source + (c * n + s) * p, count: p) }
        }
    }

    /// [n, O, L] (NCHW samples) → [O, n, L] (a chunk's product layout); returns `destination`.
    @inline(__always)
    static func gather(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                       outer o: Int, inner n: Int, length p: Int) -> UnsafePointer<Float> {
        for c in 0..<o {
            for s in 0..<n { (destination + (c * n + s) * p).update(from: source + (s * o + c) * p, count: p) }
        }
        return UnsafePointer(destination)
    }
}
