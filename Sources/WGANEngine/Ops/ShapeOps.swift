/// Ops that move or regroup elements: reshape, transpose, concatenation and slicing along the
/// first (batch) axis.
extension Tensor {
    /// The same elements with another shape, sharing storage (PyTorch's `view`). One dimension
    /// may be -1 and is inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            target[inferred] = count / known
        }
        precondition(Shape.count(target) == count, "cannot reshape \(shape) to \(newShape)")
        if target == shape { return self }
        let source = shape
        return .result(storage, shape: target, op: "reshape", inputs: [self]) { g, _ in [g.reshaped(source)] }
    }

    /// Collapses axes from `startAxis` on into one (PyTorch's `torch.flatten(x, 1)` by default).
    public func flattened(startAxis: Int = 1) -> Tensor {
        precondition(startAxis >= 0 && startAxis <= rank, "flatten: axis \(startAxis) out of range for \(shape)")
        return reshaped(Array(shape[..<startAxis]) + [Shape.count(Array(shape[startAxis...]))])
    }

    /// The transpose of a 2-D tensor, as a new contiguous tensor.
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed needs a 2-D tensor, not \(shape)")
        let rows = shape[0], cols = shape[1]
        let out = TensorStorage(uninitializedCount: count)
        let src = storage.pointer, dst = out.pointer
        // Blocked so that both sides stay in cache for large matrices.
        let block = 32
        for r0 in stride(from: 0, to: rows, by: block) {
            for c0 in stride(from: 0, to: cols, by: block) {
                for r in r0..<min(r0 + block, rows) {
                    for c in c0..<min(c0 + block, cols) { dst[c * rows + r] = src[r * cols + c] }
                }
            }
        }
        return .result(out, shape: [cols, rows], op: "transpose", inputs: [self]) { g, _ in [g.transposed()] }
    }

    /// Joins tensors along the first axis; all other axes must agree.
    public static func concatenate(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "concatenate needs at least one tensor")
        let tail = Array(parts[0].shape.dropFirst())
        for part in parts {
            precondition(part.rank >= 1 && Array(part.shape.dropFirst()) == tail,
                         "concatenate: \(part.shape) does not match \(parts[0].shape) past the first axis")
        }
        let rows = parts.reduce(0) { $0 + $1.shape[0] }
        let out = TensorStorage(uninitializedCount: rows * Shape.count(tail))
        var offset = 0
        for part in parts {
            (out.pointer + offset).update(from: part.storage.pointer, count: part.count)
            offset += part.count
        }
        let starts = parts.reduce(into: [0]) { $0.append($0.last! + $1.shape[0]) }
        return .result(out, shape: [rows] + tail, op: "concatenate", inputs: parts) { g, needs in
            parts.indices.map { i in needs[i] ? g.rows(starts[i]..<starts[i + 1]) : nil }
        }
    }

    /// Rows `range` of the first axis, as a new tensor. Backward pads the gradient with zero rows.
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "rows \(range) out of bounds for \(shape)")
        let rowSize = Shape.count(Array(shape.dropFirst()))
        let out = TensorStorage(uninitializedCount: range.count * rowSize)
        out.pointer.update(from: storage.pointer + range.lowerBound * rowSize, count: range.count * rowSize)
        let total = shape[0]
        return .result(out, shape: [range.count] + shape.dropFirst(), op: "rows", inputs: [self]) { g, _ in
            [g.paddingRows(before: range.lowerBound, after: total - range.upperBound)]
        }
    }

    /// This tensor with zero rows added before and after along the first axis.
    public func paddingRows(before: Int, after: Int) -> Tensor {
        let rowSize = Shape.count(Array(shape.dropFirst()))
        let rowsOut = shape[0] + before + after
        let out = TensorStorage(count: rowsOut * rowSize, repeating: 0)
        (out.pointer + before * rowSize).update(from: storage.pointer, count: count)
        let original = shape[0]
        return .result(out, shape: [rowsOut] + shape.dropFirst(), op: "paddingRows", inputs: [self]) { g, _ in
            [g.rows(before..<(before + original))]
        }
    }
}
