import WGANEngine
import WGANModels

/// Sums gradients over every rank in buckets: the gradients (each the sum of its parts) and the
/// step's statistics, laid end to end, are packed a bucket at a time into one buffer, all-reduced
/// and unpacked. A bucket is one collective, so a model of many small tensors pays the network's
/// latency a few times rather than once per tensor, and the buffer stays small for a large one.
final class BucketedAllReduce: GradientReduction {
    let communicator: Communicator
    /// Floats per all-reduce (4 MB: large enough that the bandwidth, not the latency, bounds it).
    let bucketFloats: Int
    var localShare: Float = 1
    private let bucket: TensorStorage

    init(communicator: Communicator, bucketFloats: Int = 1 << 20) {
        precondition(bucketFloats > 0, "a bucket holds at least one value")
        self.communicator = communicator
        self.bucketFloats = bucketFloats
        bucket = TensorStorage(uninitializedCount: bucketFloats)
    }

    func allReduce(_ gradientParts: [[Tensor]], statistics: [Float]) -> (gradients: [Tensor], statistics: [Float]) {
        let results = gradientParts.map { TensorStorage(uninitializedCount: $0[0].count) }
        let statisticsStorage = TensorStorage(copying: statistics)
        // Each segment: where its values come from (the parts to add) and where the sum goes.
        let sources = gradientParts.map { $0.map(\.storage) } + [[statisticsStorage]]
        let destinations = results + [statisticsStorage]
        let buffer = bucket.pointer
        var filled = 0
        var pending: [(destination: TensorStorage, from: Int, count: Int, at: Int)] = []
        func flush() {
            guard filled > 0 else { return }
            communicator.allReduceSum(UnsafeMutableBufferPointer(start: buffer, count: filled))
            for piece in pending { (piece.destination.pointer + piece.from).update(from: buffer + piece.at, count: piece.count) }
            (filled, pending) = (0, [])
        }
        for (parts, destination) in zip(sources, destinations) {
            var offset = 0
            while offset < destination.count {
                let count = min(destination.count - offset, bucketFloats - filled)
                Self.pack(parts, from: offset, count: count, into: buffer + filled)
                pending.append((destination, offset, count, filled))
                (filled, offset) = (filled + count, offset + count)
                if filled == bucketFloats { flush() }
            }
        }
        flush()
        let gradients = zip(results, gradientParts).map { Tensor(storage: $0, shape: $1[0].shape) }
        return (gradients, Array(statisticsStorage.buffer))
    }

    /// Writes the sum of `parts`' values `from ..< from + count` to `destination`.
    private static func pack(_ parts: [TensorStorage], from: Int, count: Int, into destination: UnsafeMutablePointer<Float>) {
        destination.update(from: parts[0].pointer + from, count: count)
        for part in parts.dropFirst() {
            let source = part.pointer + from
            for index in 0..<count { destination[index] += source[index] }
        }
    }
}
