/// Rows picked by index and their adjoint: `gatheringRows` reads rows of a table (an embedding
/// lookup: the conditional BatchNorm's per-class scale and offset), `scatterAddingRows` adds
/// rows back into a table of zeros. Each is the other's backward, so the pair is differentiable
/// to any order.
extension Tensor {
    /// Rows `indices` of this [R, …] tensor: [indices.count, …]. Backward: the gradient's rows
    /// added into zeros of this tensor's shape at those indices.
    public func gatheringRows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1 && indices.allSatisfy { $0 >= 0 && $0 < shape[0] },
                     "gatheringRows: an index of \(indices) is out of range for \(shape)")
        let rowSize = Shape.count(Array(shape.dropFirst())), total = shape[0]
        let out = TensorStorage(uninitializedCount: indices.count * rowSize)
        let src = UnsafePointer(storage.pointer), dst = out.pointer
        for (k, index) in indices.enumerated() { (dst + k * rowSize).update(from: src + index * rowSize, count: rowSize) }
        return .result(out, shape: [indices.count] + shape.dropFirst(), op: "gatherRows", inputs: [self]) { g, _ in
            [g.scatterAddingRows(indices, rowCount: total)]
        }
    }

    /// A [rowCount, …] tensor of zeros with row k of this [K, …] tensor added into row
    /// `indices[k]` (repeated indices add up). Backward: the gradient's rows at `indices`.
    public func scatterAddingRows(_ indices: [Int], rowCount: Int) -> Tensor {
        precondition(rank >= 1 && indices.count == shape[0] && indices.allSatisfy { $0 >= 0 && $0 < rowCount },
                     "scatterAddingRows: \(indices.count) indices below \(rowCount) do not fit \(shape)")
        let rowSize = Shape.count(Array(shape.dropFirst()))
        let out = TensorStorage(count: rowCount * rowSize, repeating: 0)
        let src = UnsafePointer(storage.pointer), dst = out.pointer
        for (k, index) in indices.enumerated() {
            let d = dst + index * rowSize, s = src + k * rowSize
            for j in 0..<rowSize { d[j] += s[j] }
        }
        return .result(out, shape: [rowCount] + shape.dropFirst(), op: "scatterAddRows", inputs: [self]) { g, _ in
            [g.gatheringRows(indices)]
        }
    }
}
