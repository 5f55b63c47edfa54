import Foundation

/// One epoch's mini-batches of item indices, as PyTorch's `DataLoader(shuffle=True,
/// drop_last=False)` makes them: consecutive runs of `batchSize` indices from a permutation,
/// the last run shorter when the count is not a multiple of the batch size.
///
/// The caller draws the permutation with its own seeded generator, so that runs repeat.
public struct Batches: RandomAccessCollection, Sendable {
    /// The order the items are visited in this epoch.
    public let permutation: [Int]
    /// The number of indices in every batch but possibly the last.
    public let batchSize: Int

    /// Batches over `permutation`, which must hold each of `0..<permutation.count` once.
    ///
    /// - Throws: `DataError.invalidBatchSize` when `batchSize < 1`,
    ///   `DataError.invalidPermutation` when an index repeats or is out of range.
    public init(permutation: [Int], batchSize: Int) throws(DataError) {
        guard batchSize >= 1 else { throw .invalidBatchSize(batchSize) }
        var seen = [Bool](repeating: false, count: permutation.count)
        for index in permutation {
            guard seen.indices.contains(index) else {
                throw .invalidPermutation(detail: "\(index) is outside 0..<\(permutation.count)")
            }
            guard !seen[index] else { throw .invalidPermutation(detail: "\(index) appears twice") }
            seen[index] = true
        }
        self.permutation = permutation
        self.batchSize = batchSize
    }

    public var startIndex: Int { 0 }

    /// The number of batches: the item count divided by the batch size, rounded up.
    public var endIndex: Int { Self.count(items: permutation.count, batchSize: batchSize) }

    /// The number of batches `items` items make, the last one partial; no overflow for any
    /// batch size.
    public static func count(items: Int, batchSize: Int) -> Int {
        items / batchSize + (items % batchSize == 0 ? 0 : 1)
    }

    /// The indices of batch `position`.
    public subscript(position: Int) -> ArraySlice<Int> {
        let start = position * batchSize
        return permutation[start..<start + Swift.min(batchSize, permutation.count - start)]
    }
}

extension ImageDataset {
    /// This epoch's batches over `permutation`, a permutation of `0..<count`.
    ///
    /// - Throws: `DataError.invalidPermutation` when it covers a different number of items, and
    ///   the errors of `Batches.init`.
    public func batches(permutation: [Int], batchSize: Int) throws(DataError) -> Batches {
        guard permutation.count == count else {
            throw .invalidPermutation(detail: "it has \(permutation.count) indices for \(count) items")
        }
        return try Batches(permutation: permutation, batchSize: batchSize)
    }

    /// Writes the pixels of the images at `indices`, one after another and scaled to `range`
    /// ([-1, 1] by default: `scaledPixel`), to the start of `destination`, which the caller
    /// allocates once and reuses for every batch.
    ///
    /// - Returns: the number of floats written, `indices.count × pixelsPerImage`.
    /// - Throws: `DataError.bufferTooSmall` or `DataError.indexOutOfRange`; nothing is
    ///   promised about `destination`'s contents after an error.
    @discardableResult
    public func gather(_ indices: some Collection<Int>, into destination: UnsafeMutableBufferPointer<Float>,
                       range: PixelRange = .symmetric) throws(DataError) -> Int {
        let stride = pixelsPerImage
        let needed = indices.count * stride
        guard destination.count >= needed else {
            throw .bufferTooSmall(needed: needed, available: destination.count)
        }
        guard needed > 0 else { return 0 }
        return try pixelBytes.withUnsafeBufferPointer { (source) throws(DataError) -> Int in
            try range.table.withUnsafeBufferPointer { (table) throws(DataError) -> Int in
                var target = destination.baseAddress!
                for index in indices {
                    try checkIndex(index)
                    // Each image is one contiguous block of rows.
                    let image = source.baseAddress! + index * stride
                    for offset in 0..<stride {
                        target[offset] = table[Int(image[offset])]
                    }
                    target += stride
                }
                return needed
            }
        }
    }

    /// Writes the scaled pixels of the images at `indices` to the start of `destination`, which
    /// must already be large enough, so that no batch allocates.
    ///
    /// - Returns: the number of floats written, `indices.count × pixelsPerImage`.
    @discardableResult
    public func gather(_ indices: some Collection<Int>, into destination: inout [Float]) throws(DataError) -> Int {
        try destination.withUnsafeMutableBufferPointer { (buffer) throws(DataError) -> Int in
            try gather(indices, into: buffer)
        }
    }

    /// The labels of the images at `indices`, in order.
    public func labels(at indices: some Collection<Int>) throws(DataError) -> [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(indices.count)
        for index in indices {
            try checkIndex(index)
            result.append(labels[index])
        }
        return result
    }

    private func checkIndex(_ index: Int) throws(DataError) {
        guard index >= 0 && index < count else { throw .indexOutOfRange(index: index, count: count) }
    }
}
