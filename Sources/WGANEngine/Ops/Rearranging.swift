/// Axis permutation, cropping along an axis and its adjoint, zero padding along an axis. Each
/// op's backward is another of them (permute ↔ inverse permute, narrow ↔ pad), so the set is
/// closed and differentiable to any order.
extension Tensor {
    /// The tensor with its axes reordered (PyTorch's `permute(*axes)`, made contiguous): output
    /// axis i is input axis `axes[i]`. A permutation that only moves axes of size 1 keeps the
    /// memory order, and is a reshape. Backward: the inverse permutation.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "permuted: \(axes) is not a permutation of the axes of \(shape)")
        let outShape = axes.map { shape[$0] }
        if axes.filter({ shape[$0] != 1 }) == (0..<rank).filter({ shape[$0] != 1 }) { return reshaped(outShape) }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, axis) in axes.enumerated() { inverse[axis] = i }
        let out = Layout.permute(storage.pointer, shape: shape, axes: axes)
        return .result(out, shape: outShape, op: "permute", inputs: [self]) { g, _ in [g.permuted(inverse)] }
    }

    /// Elements `start..<start + length` along `axis` (PyTorch's `narrow`), as a new tensor.
    /// Backward: the gradient padded with zeros back to this tensor's extent.
    public func narrowed(axis: Int, start: Int, length: Int) -> Tensor {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank && start >= 0 && length >= 0 && start + length <= shape[a],
                     "narrowed: axis \(axis), \(start)..<\(start + length) out of bounds for \(shape)")
        if length == shape[a] { return self }
        var outShape = shape
        outShape[a] = length
        let (outer, inner) = (Shape.count(Array(shape[..<a])), Shape.count(Array(shape[(a + 1)...])))
        let out = TensorStorage(uninitializedCount: Shape.count(outShape))
        Layout.copyBlocks(outer: outer, length: length * inner, from: storage.pointer, sourceStride: shape[a] * inner,
                          sourceOffset: start * inner, to: out.pointer, destinationStride: length * inner, destinationOffset: 0)
        let total = shape[a]
        return .result(out, shape: outShape, op: "narrow", inputs: [self]) { g, _ in
            [g.padded(axis: a, before: start, after: total - start - length)]
        }
    }

    /// This tensor with `before` and `after` zeros added along `axis`. Backward: the gradient
    /// narrowed back to the original extent.
    public func padded(axis: Int, before: Int, after: Int) -> Tensor {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank && before >= 0 && after >= 0, "padded: axis \(axis), \(before), \(after) for \(shape)")
        if before == 0 && after == 0 { return self }
        var outShape = shape
        outShape[a] += before + after
        let (outer, inner) = (Shape.count(Array(shape[..<a])), Shape.count(Array(shape[(a + 1)...])))
        let out = TensorStorage(count: Shape.count(outShape), repeating: 0)
        Layout.copyBlocks(outer: outer, length: shape[a] * inner, from: storage.pointer, sourceStride: shape[a] * inner,
                          sourceOffset: 0, to: out.pointer, destinationStride: outShape[a] * inner,
                          destinationOffset: before * inner)
        let length = shape[a]
        return .result(out, shape: outShape, op: "pad", inputs: [self]) { g, _ in
            [g.narrowed(axis: a, start: before, length: length)]
        }
    }
}
