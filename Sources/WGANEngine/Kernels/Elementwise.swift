/// Elementwise loops over raw storage. Closures passed here are inlined and specialised by the
/// optimiser, so each call site compiles to a plain vectorisable loop; large tensors are split
/// across `Parallel.threads`.
enum Elementwise {
    @inline(__always)
    static func map(_ x: TensorStorage, _ f: (Float) -> Float) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: x.count)
        let src = x.pointer, dst = out.pointer
        Parallel.forEachRange(x.count) { range in
            for i in range { dst[i] = f(src[i]) }
        }
        return out
    }

    @inline(__always)
    static func zip(_ a: TensorStorage, _ b: TensorStorage, _ f: (Float, Float) -> Float) -> TensorStorage {
        precondition(a.count == b.count)
        let out = TensorStorage(uninitializedCount: a.count)
        let pa = a.pointer, pb = b.pointer, dst = out.pointer
        Parallel.forEachRange(a.count) { range in
            for i in range { dst[i] = f(pa[i], pb[i]) }
        }
        return out
    }

    /// `f(a, b)` with NumPy broadcasting; `shape` is the broadcast shape of the two.
    @inline(__always)
    static func broadcast(
        _ a: Tensor, _ b: Tensor, to shape: [Int], _ f: (Float, Float) -> Float
    ) -> TensorStorage {
        if a.shape == b.shape { return zip(a.storage, b.storage, f) }
        let out = TensorStorage(uninitializedCount: Shape.count(shape))
        let pa = a.storage.pointer, pb = b.storage.pointer, dst = out.pointer
        let n = out.count
        if b.count == 1 {
            let s = pb[0]
            Parallel.forEachRange(n) { range in for i in range { dst[i] = f(pa[i], s) } }
        } else if a.count == 1 {
            let s = pa[0]
            Parallel.forEachRange(n) { range in for i in range { dst[i] = f(s, pb[i]) } }
        } else if a.count == n, isTrailingBlock(b.shape, of: shape) {
            // [rows, columns] with a per-column operand: the bias-add shape.
            let inner = b.count
            for r in 0..<(n / inner) {
                let row = dst + r * inner, src = pa + r * inner
                for j in 0..<inner { row[j] = f(src[j], pb[j]) }
            }
        } else if b.count == n, isTrailingBlock(a.shape, of: shape) {
            let inner = a.count
            for r in 0..<(n / inner) {
                let row = dst + r * inner, src = pb + r * inner
                for j in 0..<inner { row[j] = f(pa[j], src[j]) }
            }
        } else if a.count == n, isLeadingBlock(b.shape, of: shape) {
            // [rows, columns] with a per-row operand: per-sample statistics (layer norm).
            let inner = n / b.count
            Layout.forEachItem(b.count, itemSize: inner) { rows in
                for r in rows {
                    let row = dst + r * inner, src = pa + r * inner, s = pb[r]
                    for j in 0..<inner { row[j] = f(src[j], s) }
                }
            }
        } else {
            let sa = Shape.broadcastStrides(of: a.shape, to: shape)
            let sb = Shape.broadcastStrides(of: b.shape, to: shape)
            var index = [Int](repeating: 0, count: shape.count)
            var ia = 0, ib = 0
            for i in 0..<n {
                dst[i] = f(pa[ia], pb[ib])
                // Odometer increment of the multi-index, keeping both flat offsets in step.
                var axis = shape.count - 1
                while axis >= 0 {
                    index[axis] += 1; ia += sa[axis]; ib += sb[axis]
                    if index[axis] < shape[axis] { break }
                    ia -= sa[axis] * shape[axis]; ib -= sb[axis] * shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return out
    }

    /// `x` repeated along its broadcast axes to `shape`.
    static func expand(_ x: Tensor, to shape: [Int]) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: Shape.count(shape))
        let src = x.storage.pointer, dst = out.pointer
        let n = out.count
        if x.count == 1 {
            dst.initialize(repeating: src[0], count: n)
        } else if isTrailingBlock(x.shape, of: shape) {
            for r in 0..<(n / x.count) { (dst + r * x.count).update(from: src, count: x.count) }
        } else if isLeadingBlock(x.shape, of: shape) {
            let inner = n / x.count
            for r in 0..<x.count { (dst + r * inner).initialize(repeating: src[r], count: inner) }
        } else {
            let strides = Shape.broadcastStrides(of: x.shape, to: shape)
            var index = [Int](repeating: 0, count: shape.count)
            var offset = 0
            for i in 0..<n {
                dst[i] = src[offset]
                var axis = shape.count - 1
                while axis >= 0 {
                    index[axis] += 1; offset += strides[axis]
                    if index[axis] < shape[axis] { break }
                    offset -= strides[axis] * shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return out
    }

    /// Whether `small`, aligned to the right of `shape`, equals it on leading axes and is 1 on
    /// the rest (so each of its elements repeats over one contiguous block): [N, 1] in [N, M].
    private static func isLeadingBlock(_ small: [Int], of shape: [Int]) -> Bool {
        guard small.count <= shape.count else { return false }
        let padded = [Int](repeating: 1, count: shape.count - small.count) + small
        guard let last = padded.lastIndex(where: { $0 != 1 }) else { return false }
        return Array(padded[...last]) == Array(shape[...last])
    }

    /// Whether `small`, aligned to the right of `shape`, covers whole trailing axes and is 1 or
    /// absent everywhere before them (so it repeats as one contiguous block).
    private static func isTrailingBlock(_ small: [Int], of shape: [Int]) -> Bool {
        var dims = small
        while let first = dims.first, first == 1, dims.count > 0 { dims.removeFirst() }
        guard dims.count <= shape.count else { return false }
        return Array(shape.suffix(dims.count)) == dims
    }
}
