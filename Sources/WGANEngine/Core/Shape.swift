/// Shape arithmetic shared by the kernels and ops: element counts, broadcasting, axes.
public enum Shape {
    /// Number of elements of a tensor of this shape (1 for a scalar, shape `[]`).
    @inlinable public static func count(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape { n *= d }
        return n
    }

    /// NumPy/PyTorch broadcasting: align trailing dimensions; each pair must be equal or contain a 1.
    public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
        }
        return out
    }

    /// Row-major strides of `shape` seen through a broadcast to `target`: 0 along broadcast axes.
    static func broadcastStrides(of shape: [Int], to target: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            let t = i + target.count - shape.count
            strides[t] = shape[i] == 1 && target[t] != 1 ? 0 : step
            step *= shape[i]
        }
        return strides
    }

    /// Normalises possibly negative axes against `rank`, sorted and de-duplicated.
    public static func normalizedAxes(_ axes: [Int], rank: Int) -> [Int] {
        let normalized = axes.map { axis -> Int in
            let a = axis < 0 ? axis + rank : axis
            precondition(a >= 0 && a < rank, "axis \(axis) out of range for rank \(rank)")
            return a
        }
        return Array(Set(normalized)).sorted()
    }
}
