/// The three kernels of a 2-D convolution with weight W [O, C, kH, kW] over `batch` images
/// [N, C, H, W] (NCHW): the convolution itself, its input gradient (the transposed convolution)
/// and its weight gradient.
///
/// Each lowers the convolution to matrix products region by region (`ConvRegion`): a region's
/// column matrix holds only the taps that read image pixels, so no product multiplies the zero
/// padding. The weight is permuted to [O, kH, kW, C] once per call, which makes each region's
/// taps one or a few contiguous column ranges of it. A region's samples go through in chunks of
/// about `targetColumns` columns, built in scratch and consumed at once, so no whole-batch column
/// matrix is ever written or kept alive for a backward pass. Each part first copies its images
/// (and outputs) channel-major (`ChannelMajor`), which the column copies read from.
///
/// 3×3 stride-1 convolutions with enough channels go to `Winograd` instead, and 1×1 stride-1
/// ones over large enough planes to `Pointwise` (`im2col: true` keeps both here, for tests that
/// compare the paths).
///
/// The batch is split into contiguous sample ranges, one per part; the part count depends only
/// on the sizes and `Parallel.threads`, and each product is a single OpenBLAS call on its part's
/// thread, so results never depend on scheduling. The weight gradient sums the parts' partial
/// gradients in part order.
enum ConvKernels {
    /// Columns per chunk product: enough for OpenBLAS to amortise packing the weight (a corner
    /// region of one position takes a whole part's samples), few enough to keep scratch small.
    static let targetColumns = 256

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

    /// A part's scratch: its images and outputs in channel-major order ([C, S, H·W] and
    /// [O, S, OH·OW], see `ChannelMajor`), a chunk's column matrix and its [O, columns] product.
    struct PartScratch {
        let images: UnsafeMutablePointer<Float>, outputs: UnsafeMutablePointer<Float>
        let cols: UnsafeMutablePointer<Float>, product: UnsafeMutablePointer<Float>
    }

    /// Runs `body(scratch, regions)` for one part of `samples` samples, with the layouts of
    /// `g`'s regions for chunks of about `targetColumns` columns.
    @inline(__always)
    static func withPartScratch(_ g: ConvGeometry, outChannels o: Int, samples: Int,
                                _ body: (_ scratch: PartScratch, _ layouts: [RegionColumns]) -> Void) {
        let layouts = g.regions.map { region in
            RegionColumns(region, samples: max(1, min(samples, targetColumns / max(1, region.positions))), g)
        }
        let colsSize = layouts.map { RegionColumns.rows($0.region, g) * $0.count }.max() ?? 0
        let productSize = layouts.map { o * $0.count }.max() ?? 0
        let (imagesSize, outputsSize) = (samples * g.imageSize, samples * o * g.positions)
        let storage = TensorStorage(uninitializedCount: imagesSize + outputsSize + colsSize + productSize)
        defer { withExtendedLifetime(storage) {} }
        let base = storage.pointer
        body(PartScratch(images: base, outputs: base + imagesSize, cols: base + imagesSize + outputsSize,
                         product: base + imagesSize + outputsSize + colsSize), layouts)
    }

    /// Calls `body(layout, offset, count)` for each region's chunks of a part of `samples`
    /// samples: `count` samples from the part's sample `offset`.
    @inline(__always)
    static func forEachChunk(_ layouts: [RegionColumns], samples: Int, _ body: (_ layout: RegionColumns, _ offset: Int, _ count: Int) -> Void) {
        for layout in layouts {
            for offset in stride(from: 0, to: samples, by: layout.samples) { body(layout, offset, min(layout.samples, samples - offset)) }
        }
    }

    /// W [O, C, kH, kW] → [O, kH, kW, C].
    static func permutedWeight(_ w: UnsafePointer<Float>, outChannels o: Int, _ g: ConvGeometry) -> TensorStorage {
        swapInnerAxes(w, outer: o, rows: g.channels, columns: g.kernelHeight * g.kernelWidth)
    }

    /// [outer, rows, columns] → [outer, columns, rows]: each outer block transposed with
    /// sequential reads and `columns` sequential write streams (the generic `Layout.permute`
    /// read a whole weight with a 25-float stride, a few percent of a CIFAR iteration).
    static func swapInnerAxes(_ x: UnsafePointer<Float>, outer: Int, rows: Int, columns: Int) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: outer * rows * columns)
        let y = out.pointer, block = rows * columns
        Layout.forEachItem(outer, itemSize: block) { blocks in
            for b in blocks {
                let source = x + b * block, destination = y + b * block
                for r in 0..<rows {
                    for c in 0..<columns { destination[c * rows + r] = source[r * columns + c] }
                }
            }
        }
        return out
    }

    /// y[n, o, ·] = Σ W[o, ·]·cols_n[·, ·]: the convolution, [N, O, OH·OW].
    static func forward(_ x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, outChannels o: Int, batch: Int,
                        _ g: ConvGeometry, im2col: Bool = false) -> TensorStorage {
        if !im2col && Winograd.applies(g, outChannels: o) { return Winograd.forward(x, weight: w, outChannels: o, batch: batch, g) }
        if !im2col && Pointwise.applies(g) { return Pointwise.forward(x, weight: w, outChannels: o, batch: batch, g) }
        let (p, plane) = (g.positions, g.height * g.width)
        let out = TensorStorage(uninitializedCount: batch * o * p)
        let permuted = permutedWeight(w, outChannels: o, g)
        let (y, weight) = (out.pointer, UnsafePointer(permuted.pointer))
        // The parts read the permuted weight through a raw pointer: it must outlive them.
        defer { withExtendedLifetime(permuted) {} }
        forEachPart(partCount(batch: batch, flops: o * g.rows * p * batch), batch: batch) { _, part in
            withPartScratch(g, outChannels: o, samples: part.count) { scratch, layouts in
                ChannelMajor.pack(x + part.lowerBound * g.imageSize, samples: part.count, channels: g.channels, plane: plane,
                                  into: scratch.images)
                forEachChunk(layouts, samples: part.count) { layout, offset, count in
                    let columns = count * layout.region.positions
                    if layout.region.taps == 0 {
                        scratch.product.update(repeating: 0, count: o * columns)
                    } else {
                        layout.gather(scratch.images + offset * plane, channelStride: part.count * plane, g, columns: columns,
                                      into: scratch.cols)
                        for (index, block) in layout.blocks.enumerated() {
                            BLAS.sgemmOnThisThread(transA: false, transB: false, m: o, n: columns, k: block.depth,
                                                   a: weight + block.weightColumn, lda: g.rows, b: scratch.cols + block.columnRow * columns,
                                                   ldb: columns, beta: index == 0 ? 0 : 1, c: scratch.product, ldc: columns)
                        }
                    }
                    layout.scatterOutputs(scratch.product, outChannels: o, columns: columns, into: scratch.outputs + offset * p,
                                          channelStride: part.count * p)
                }
                ChannelMajor.unpack(scratch.outputs, samples: part.count, channels: o, plane: p, into: y + part.lowerBound * o * p)
            }
        }
        return out
    }

    /// The adjoint of `forward` in x: cols = Wᵀ·gy per region, added back into the images.
    /// With W a transposed convolution's weight [C_in, C_out, kH, kW], this is that convolution.
    static func inputGradient(_ gy: UnsafePointer<Float>, weight w: UnsafePointer<Float>, outChannels o: Int, batch: Int,
                              _ g: ConvGeometry, im2col: Bool = false) -> TensorStorage {
        if !im2col && Winograd.applies(g, outChannels: o) { return Winograd.inputGradient(gy, weight: w, outChannels: o, batch: batch, g) }
        if !im2col && Pointwise.applies(g) { return Pointwise.inputGradient(gy, weight: w, outChannels: o, batch: batch, g) }
        let (p, plane) = (g.positions, g.height * g.width)
        let out = TensorStorage(uninitializedCount: batch * g.imageSize)
        let permuted = permutedWeight(w, outChannels: o, g)
        let (x, weight) = (out.pointer, UnsafePointer(permuted.pointer))
        defer { withExtendedLifetime(permuted) {} }
        forEachPart(partCount(batch: batch, flops: o * g.rows * p * batch), batch: batch) { _, part in
            withPartScratch(g, outChannels: o, samples: part.count) { scratch, layouts in
                ChannelMajor.pack(gy + part.lowerBound * o * p, samples: part.count, channels: o, plane: p, into: scratch.outputs)
                scratch.images.update(repeating: 0, count: part.count * g.imageSize)
                forEachChunk(layouts, samples: part.count) { layout, offset, count in
                    guard layout.region.taps > 0 else { return }
                    let columns = count * layout.region.positions
                    layout.gatherOutputs(scratch.outputs + offset * p, channelStride: part.count * p, outChannels: o, columns: columns,
                                         into: scratch.product)
                    for block in layout.blocks {
                        BLAS.sgemmOnThisThread(transA: true, transB: false, m: block.depth, n: columns, k: o,
                                               a: weight + block.weightColumn, lda: g.rows, b: scratch.product, ldb: columns,
                                               c: scratch.cols + block.columnRow * columns, ldc: columns)
                    }
                    layout.scatterAdd(scratch.cols, g, columns: columns, into: scratch.images + offset * plane,
                                      channelStride: part.count * plane)
                }
                ChannelMajor.unpack(scratch.images, samples: part.count, channels: g.channels, plane: plane,
                                    into: x + part.lowerBound * g.imageSize)
            }
        }
        return out
    }

    /// dW[o, ·] = Σ_n gy_n[o, ·]·cols_nᵀ: the weight gradient [O, C·kH·kW] of `forward` for the
    /// output gradient gy [N, O, OH·OW] at input x.
    static func weightGradient(_ x: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, outChannels o: Int, batch: Int,
                               _ g: ConvGeometry, im2col: Bool = false) -> TensorStorage {
        if !im2col && Winograd.applies(g, outChannels: o) { return Winograd.weightGradient(x, gy, outChannels: o, batch: batch, g) }
        if !im2col && Pointwise.applies(g) { return Pointwise.weightGradient(x, gy, outChannels: o, batch: batch, g) }
        let (p, r, plane) = (g.positions, g.rows, g.height * g.width)
        // One [O, kH, kW, C] sum per part, added in part order, then permuted back.
        let parts = partCount(batch: batch, flops: o * r * p * batch)
        let partials = (0..<parts).map { _ in TensorStorage(count: o * r, repeating: 0) }
        let targets = partials.map(\.pointer)
        defer { withExtendedLifetime(partials) {} }
        forEachPart(parts, batch: batch) { index, part in
            withPartScratch(g, outChannels: o, samples: part.count) { scratch, layouts in
                ChannelMajor.pack(x + part.lowerBound * g.imageSize, samples: part.count, channels: g.channels, plane: plane,
                                  into: scratch.images)
                ChannelMajor.pack(gy + part.lowerBound * o * p, samples: part.count, channels: o, plane: p, into: scratch.outputs)
                forEachChunk(layouts, samples: part.count) { layout, offset, count in
                    guard layout.region.taps > 0 else { return }
                    let columns = count * layout.region.positions
                    layout.gather(scratch.images + offset * plane, channelStride: part.count * plane, g, columns: columns,
                                  into: scratch.cols)
                    layout.gatherOutputs(scratch.outputs + offset * p, channelStride: part.count * p, outChannels: o, columns: columns,
                                         into: scratch.product)
                    for block in layout.blocks {
                        BLAS.sgemmOnThisThread(transA: false, transB: true, m: o, n: block.depth, k: columns,
                                               a: scratch.product, lda: columns, b: scratch.cols + block.columnRow * columns,
                                               ldb: columns, beta: 1, c: targets[index] + block.weightColumn, ldc: r)
                    }
                }
            }
        }
        let total = sumInPartOrder(partials, count: o * r)
        return swapInnerAxes(total, outer: o, rows: g.kernelHeight * g.kernelWidth, columns: g.channels)
    }

    /// The parts' partial sums added into the first, in part order (so the rounding depends on
    /// the part count alone); returns the first's pointer.
    static func sumInPartOrder(_ partials: [TensorStorage], count: Int) -> UnsafeMutablePointer<Float> {
        let total = partials[0].pointer
        for partial in partials.dropFirst() {
            let add = UnsafePointer(partial.pointer)
            Parallel.forEachRange(count) { range in for i in range { total[i] += add[i] } }
        }
        return total
    }
}
