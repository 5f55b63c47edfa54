import CKernels

/// A rectangle of a convolution's output grid whose kernel windows all read inside the image
/// through the same kernel taps. Near the border a window hangs over the zero padding; im2col
/// would copy those zeros and the product would multiply by them (28% of the products of a
/// 5×5, stride-2, padding-2 convolution onto a 4×4 grid). Splitting the grid into regions with
/// the taps each one really uses makes every product work on image pixels only.
struct ConvRegion {
    /// Output rows and columns of the rectangle.
    let outputRows: Range<Int>, outputColumns: Range<Int>
    /// Kernel rows and columns that land inside the image at every position of the rectangle.
    let kernelRows: Range<Int>, kernelColumns: Range<Int>

    /// Output positions in the rectangle.
    var positions: Int { outputRows.count * outputColumns.count }
    /// Kernel taps every position uses.
    var taps: Int { kernelRows.count * kernelColumns.count }
}

extension ConvGeometry {
    /// The output grid as regions, row band by row band: the runs of output rows (and, crossed
    /// with them, of output columns) that see the same kernel taps. A convolution without padding
    /// is one region with every tap.
    var regions: [ConvRegion] {
        let rowRuns = Self.runs(outputs: outputHeight, input: height, kernel: kernelHeight, stride: strideHeight, padding: paddingHeight)
        let columnRuns = Self.runs(outputs: outputWidth, input: width, kernel: kernelWidth, stride: strideWidth, padding: paddingWidth)
        return rowRuns.flatMap { rows in
            columnRuns.map { columns in
                ConvRegion(outputRows: rows.outputs, outputColumns: columns.outputs, kernelRows: rows.taps, kernelColumns: columns.taps)
            }
        }
    }

    /// Along one axis: output index i reads input i·stride − padding + t for tap t, so its taps
    /// inside the image are max(0, padding − i·stride) ..< min(kernel, input + padding − i·stride)
    /// (empty when the whole window is padding). Consecutive indices with equal ranges form a run.
    static func runs(outputs: Int, input: Int, kernel: Int, stride: Int, padding: Int) -> [(outputs: Range<Int>, taps: Range<Int>)] {
        var runs: [(outputs: Range<Int>, taps: Range<Int>)] = []
        for i in 0..<outputs {
            let first = max(0, padding - i * stride), end = min(kernel, input + padding - i * stride)
            let taps = first..<max(first, end)
            if let last = runs.last, last.taps == taps {
                runs[runs.count - 1].outputs = last.outputs.lowerBound..<(i + 1)
            } else {
                runs.append((i..<(i + 1), taps))
            }
        }
        return runs
    }
}

/// How a chunk of samples of one region is laid out in a convolution kernel's scratch, and the
/// copies in and out of it.
///
/// The chunk's column matrix has a row per (kernel row, kernel column, channel) of the region's
/// taps, in that order, and a column per (sample, position): the kernel's weight, permuted to
/// [O, kH, kW, C], then multiplies it block by block, each block a contiguous range of the
/// permuted weight's columns (one block per kernel row, or one for all of them when the region
/// uses every kernel column).
///
/// The copies work on channel-major tensors ([C, samples, H·W], see `ChannelMajor`): one table
/// of offsets, shared by every channel and tap, gives each column's first pixel in a channel's
/// planes and its position in an output channel's.
struct RegionColumns {
    let region: ConvRegion
    /// Columns: samples × region positions.
    let count: Int
    /// Column → offset of its first tap's pixel in a channel of channel-major images.
    let imageOffsets: [Int32]
    /// Column → offset of its output in a channel of channel-major outputs.
    let outputOffsets: [Int32]
    /// The region's products (see `blocks`), worked out once rather than per chunk.
    let blocks: [(weightColumn: Int, columnRow: Int, depth: Int)]

    /// The layout of `samples` samples of `region` over `g`.
    init(_ region: ConvRegion, samples: Int, _ g: ConvGeometry) {
        self.region = region
        count = samples * region.positions
        blocks = Self.blocks(region, g)
        precondition(samples * max(g.height * g.width, g.positions) <= Int(Int32.max),
                     "convolution: a chunk of \(samples) samples is too large for 32-bit offsets")
        let (firstRow, firstColumn) = (region.kernelRows.lowerBound, region.kernelColumns.lowerBound)
        var imageOffsets = [Int32](), outputOffsets = [Int32]()
        imageOffsets.reserveCapacity(count)
        outputOffsets.reserveCapacity(count)
        for sample in 0..<samples {
            for i in region.outputRows {
                for j in region.outputColumns {
                    let row = i * g.strideHeight - g.paddingHeight + firstRow, column = j * g.strideWidth - g.paddingWidth + firstColumn
                    imageOffsets.append(Int32((sample * g.height + row) * g.width + column))
                    outputOffsets.append(Int32(sample * g.positions + i * g.outputWidth + j))
                }
            }
        }
        (self.imageOffsets, self.outputOffsets) = (imageOffsets, outputOffsets)
    }

    /// Samples in a full chunk.
    var samples: Int { count / max(1, region.positions) }

    /// Rows of the column matrix.
    static func rows(_ region: ConvRegion, _ g: ConvGeometry) -> Int { region.taps * g.channels }

    /// The products of one region, as (first column of the permuted weight [O, kH·kW·C], first
    /// row of the column matrix, depth): one per kernel row, or one in all when the region uses
    /// every kernel column (its rows are then one contiguous range of the weight's).
    private static func blocks(_ region: ConvRegion, _ g: ConvGeometry) -> [(weightColumn: Int, columnRow: Int, depth: Int)] {
        let c = g.channels, width = region.kernelColumns.count
        if width == g.kernelWidth {
            return [(region.kernelRows.lowerBound * g.kernelWidth * c, 0, region.taps * c)]
        }
        return region.kernelRows.enumerated().map { index, ki in
            ((ki * g.kernelWidth + region.kernelColumns.lowerBound) * c, index * width * c, width * c)
        }
    }

    /// cols[(ki, kj, c), column] = the pixel that tap (ki, kj) of channel c reads for the column,
    /// from channel-major `images` (the chunk's first plane of channel 0; channels `channelStride`
    /// apart), for `columns` columns (a last chunk may be short).
    func gather(_ images: UnsafePointer<Float>, channelStride: Int, _ g: ConvGeometry, columns: Int,
                into cols: UnsafeMutablePointer<Float>) {
        forEachRow(g) { offsets, c, ki, kj, row in
            wgan_gather(images + c * channelStride + ki * g.width + kj, offsets, columns, cols + row * columns)
        }
    }

    /// The adjoint of `gather`: every entry of `cols` added into the pixel it would be read from.
    /// Pixels are summed in a fixed order, so results do not depend on threads.
    func scatterAdd(_ cols: UnsafePointer<Float>, _ g: ConvGeometry, columns: Int, into images: UnsafeMutablePointer<Float>,
                    channelStride: Int) {
        forEachRow(g) { offsets, c, ki, kj, row in
            wgan_scatter_add(cols + row * columns, offsets, columns, images + c * channelStride + ki * g.width + kj)
        }
    }

    /// Calls `body(imageOffsets, channel, ki, kj, row)` for every row of the column matrix,
    /// channel by channel (ki and kj counted from the region's first tap).
    @inline(__always)
    private func forEachRow(_ g: ConvGeometry,
                            _ body: (_ offsets: UnsafePointer<Int32>, _ c: Int, _ ki: Int, _ kj: Int, _ row: Int) -> Void) {
        let (height, width) = (region.kernelRows.count, region.kernelColumns.count)
        imageOffsets.withUnsafeBufferPointer { offsets in
            for c in 0..<g.channels {
                for ki in 0..<height {
                    for kj in 0..<width { body(offsets.baseAddress!, c, ki, kj, (ki * width + kj) * g.channels + c) }
                }
            }
        }
    }

    /// outputs[o, column's position] = product[o, column] for channel-major `outputs` (channels
    /// `channelStride` apart).
    func scatterOutputs(_ product: UnsafePointer<Float>, outChannels o: Int, columns: Int,
                        into outputs: UnsafeMutablePointer<Float>, channelStride: Int) {
        outputOffsets.withUnsafeBufferPointer { offsets in
            for channel in 0..<o { wgan_scatter(product + channel * columns, offsets.baseAddress!, columns, outputs + channel * channelStride) }
        }
    }

    /// product[o, column] = outputs[o, column's position]: the region's output gradients as one
    /// matrix [O, columns].
    func gatherOutputs(_ outputs: UnsafePointer<Float>, channelStride: Int, outChannels o: Int, columns: Int,
                       into product: UnsafeMutablePointer<Float>) {
        outputOffsets.withUnsafeBufferPointer { offsets in
            for channel in 0..<o { wgan_gather(outputs + channel * channelStride, offsets.baseAddress!, columns, product + channel * columns) }
        }
    }
}

/// A part's slice of an NCHW tensor with its first two axes swapped, [C, samples, H·W]: every
/// channel's planes lie together. The convolution kernels read and write images and outputs in
/// this order, because in NCHW one channel's planes of a batch lie a whole sample apart — often
/// a power of two, so that a loop over the batch's planes hits the same few cache sets and
/// evicts its own lines.
enum ChannelMajor {
    /// [samples, channels, plane] at `source` → [channels, samples, plane] at `destination`.
    static func pack(_ source: UnsafePointer<Float>, samples: Int, channels: Int, plane: Int,
                     into destination: UnsafeMutablePointer<Float>) {
        swapLeadingAxes(source, samples, channels, plane: plane, into: destination)
    }

    /// [channels, samples, plane] at `source` → [samples, channels, plane] at `destination`.
    static func unpack(_ source: UnsafePointer<Float>, samples: Int, channels: Int, plane: Int,
                       into destination: UnsafeMutablePointer<Float>) {
        swapLeadingAxes(source, channels, samples, plane: plane, into: destination)
    }

    /// [a, b, plane] → [b, a, plane].
    private static func swapLeadingAxes(_ source: UnsafePointer<Float>, _ a: Int, _ b: Int, plane: Int,
                                        into destination: UnsafeMutablePointer<Float>) {
        for i in 0..<a {
            for j in 0..<b { (destination + (j * a + i) * plane).update(from: source + (i * b + j) * plane, count: plane) }
        }
    }
}
