/// Copies that rearrange elements (permutations, crops, zero padding) and the per-channel loops
/// of NCHW tensors (bias, scale, channel sums). Each is split across threads so that every
/// output element is produced by exactly one part, in the same order whatever the split: results
/// never depend on `Parallel.threads`.
enum Layout {
    /// Calls `body` on disjoint ranges covering 0..<count items of `itemSize` elements each; the
    /// part count depends on the size and `Parallel.threads` only.
    @inline(__always)
    static func forEachItem(_ count: Int, itemSize: Int, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(Parallel.threads, count * itemSize / Parallel.minimumChunk, count))
        Parallel.run(parts: parts) { part in body(Parallel.chunk(part, of: parts, count: count)) }
    }

    /// The elements of a tensor of `shape` with its axes reordered: output axis i is input axis
    /// `axes[i]`. Output rows (the last output axis) are filled one at a time, with an odometer
    /// over the other axes, so the index arithmetic is per row, not per element.
    static func permute(_ x: UnsafePointer<Float>, shape: [Int], axes: [Int]) -> TensorStorage {
        let count = Shape.count(shape)
        let out = TensorStorage(uninitializedCount: count)
        guard count > 0 else { return out }
        var inStrides = [Int](repeating: 1, count: shape.count)
        for i in stride(from: shape.count - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        let outShape = axes.map { shape[$0] }, strides = axes.map { inStrides[$0] }
        let rank = shape.count, rowLength = outShape[rank - 1], step = strides[rank - 1]
        let dst = out.pointer
        forEachItem(count / rowLength, itemSize: rowLength) { rows in
            // The multi-index of the first row of this part, and the offset it reads from.
            var index = [Int](repeating: 0, count: rank)
            var rest = rows.lowerBound, offset = 0
            for axis in stride(from: rank - 2, through: 0, by: -1) {
                index[axis] = rest % outShape[axis]; rest /= outShape[axis]
                offset += index[axis] * strides[axis]
            }
            index.withUnsafeMutableBufferPointer { index in
                for row in rows {
                    let d = dst + row * rowLength, s = x + offset
                    if step == 1 { d.update(from: s, count: rowLength) } else { for j in 0..<rowLength { d[j] = s[j * step] } }
                    var axis = rank - 2
                    while axis >= 0 {
                        index[axis] += 1; offset += strides[axis]
                        if index[axis] < outShape[axis] { break }
                        offset -= strides[axis] * outShape[axis]; index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return out
    }

    /// For each of `outer` blocks, copies `length` elements from `source + o·sourceStride +
    /// sourceOffset` to `destination + o·destinationStride + destinationOffset`: a crop along an
    /// axis, or (into zeros) the padding that is its adjoint.
    static func copyBlocks(
        outer: Int, length: Int, from source: UnsafePointer<Float>, sourceStride: Int, sourceOffset: Int,
        to destination: UnsafeMutablePointer<Float>, destinationStride: Int, destinationOffset: Int
    ) {
        forEachItem(outer, itemSize: length) { blocks in
            for o in blocks {
                (destination + o * destinationStride + destinationOffset)
                    .update(from: source + o * sourceStride + sourceOffset, count: length)
            }
        }
    }

    /// `f(x[n, c, i], v[c])` over an [N, C, plane] tensor, one (sample, channel) plane at a time.
    @inline(__always)
    static func perChannel(
        _ x: UnsafePointer<Float>, _ v: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int,
        _ f: (Float, Float) -> Float
    ) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: batch * channels * plane)
        let dst = out.pointer
        forEachItem(batch * channels, itemSize: plane) { planes in
            for p in planes {
                let value = v[p % channels], s = x + p * plane, d = dst + p * plane
                for i in 0..<plane { d[i] = f(s[i], value) }
            }
        }
        return out
    }

    /// Σ over n and the plane of x[n, c, i] (times y[n, c, i] when given), per channel, in Double
    /// as `Reduction` does: a bias gradient whose terms cancel comes out 0, not rounding noise.
    static func channelSums(
        _ x: UnsafePointer<Float>, times y: UnsafePointer<Float>?, batch: Int, channels: Int, plane: Int
    ) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: channels)
        let dst = out.pointer
        forEachItem(channels, itemSize: batch * plane) { range in
            for c in range {
                var total: Double = 0
                for n in 0..<batch {
                    let offset = (n * channels + c) * plane
                    let s = x + offset
                    if let y {
                        let t = y + offset
                        for i in 0..<plane { total += Double(s[i] * t[i]) }
                    } else {
                        for i in 0..<plane { total += Double(s[i]) }
                    }
                }
                dst[c] = Float(total)
            }
        }
        return out
    }
}
