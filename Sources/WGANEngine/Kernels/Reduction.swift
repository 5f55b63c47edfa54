/// Sums over axes, as one pass per reduced axis over an [outer, n, inner] view.
enum Reduction {
    /// Sum over one axis: [outer, n, inner] → [outer, inner].
    static func sum(_ x: TensorStorage, outer: Int, n: Int, inner: Int) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: outer * inner)
        let src = x.pointer, dst = out.pointer
        if inner == 1 {
            for o in 0..<outer {
                // Double accumulation keeps long rows (a whole image's gradient) accurate.
                var acc: Double = 0
                let row = src + o * n
                for k in 0..<n { acc += Double(row[k]) }
                dst[o] = Float(acc)
            }
        } else {
            // Double accumulators: a column sum of terms that cancel in exact arithmetic (a bias
            // gradient from −mean D(real) + mean D(fake)) then comes out exactly 0, as in
            // PyTorch, instead of rounding noise that Adam would blow up to ±lr.
            let acc = UnsafeMutablePointer<Double>.allocate(capacity: inner)
            defer { acc.deallocate() }
            for o in 0..<outer {
                acc.initialize(repeating: 0, count: inner)
                for k in 0..<n {
                    let s = src + (o * n + k) * inner
                    for j in 0..<inner { acc[j] += Double(s[j]) }
                }
                let d = dst + o * inner
                for j in 0..<inner { d[j] = Float(acc[j]) }
            }
        }
        return out
    }

    /// Sum over `axes` (sorted, distinct) of a tensor of `shape`; the result keeps the rank with
    /// 1s in the reduced axes.
    static func sum(_ x: TensorStorage, shape: [Int], axes: [Int]) -> (TensorStorage, [Int]) {
        var storage = x
        var current = shape
        // Contiguous runs of axes collapse into one pass.
        var i = 0
        while i < axes.count {
            var j = i
            while j + 1 < axes.count, axes[j + 1] == axes[j] + 1 { j += 1 }
            let first = axes[i], last = axes[j]
            let outer = Shape.count(Array(current[..<first]))
            let n = Shape.count(Array(current[first...last]))
            let inner = Shape.count(Array(current[(last + 1)...]))
            storage = sum(storage, outer: outer, n: n, inner: inner)
            for axis in first...last { current[axis] = 1 }
            i = j + 1
        }
        return (storage, current)
    }
}
