/// Shape arithmetic shared by both formats: a shape comes from an untrusted file, so its product must be
/// computed without trapping on overflow.
enum ElementCount {
    /// The number of elements of `shape` (1 for a scalar, `[]`), or nil when a dimension is negative or the
    /// product does not fit in `Int`.
    static func of(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// The byte size of `shape` with elements of `elementSize` bytes, or nil as for `of(_:)`.
    static func byteCount(of shape: [Int], elementSize: Int) -> Int? {
        guard let count = of(shape) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
        return overflow ? nil : bytes
    }
}
