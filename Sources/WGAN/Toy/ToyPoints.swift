import WGANData
import WGANEngine

/// A toy run's real points: fresh batches drawn from the run's data stream (8 Gaussians, Swiss
/// roll), or, for the 25 Gaussians, the official set of 100,000 points drawn once from the seed
/// and read in order, batch after batch, starting over at its end.
public struct ToyPoints: Sendable {
    public let dataset: ToyDataset
    /// The 25-Gaussian set, [x0, y0, x1, y1, ...]; empty for the sets drawn afresh.
    private let fixedSet: [Float]

    public init(dataset: ToyDataset, seed: UInt64) {
        self.dataset = dataset
        var rng = RandomGenerator(seed: seed ^ 0x746f_795f_7365_7400)  // "toy_set"
        fixedSet = dataset.drawsFreshBatches ? [] : ToyDataset.twentyFiveGaussiansSet(using: &rng)
    }

    /// How many points the set holds, or nil when every batch is drawn afresh.
    public var fixedCount: Int? { dataset.drawsFreshBatches ? nil : fixedSet.count / 2 }

    /// The real batch numbered `index` (counted over the whole run) as a [size, 2] tensor.
    public func batch(index: Int, size: Int, using rng: inout RandomGenerator) -> Tensor {
        guard let count = fixedCount else { return Tensor(dataset.sample(size, using: &rng), shape: [size, 2]) }
        let batchesPerPass = max(1, count / size)
        let start = 2 * (((index % batchesPerPass) + batchesPerPass) % batchesPerPass) * size
        return Tensor(Array(fixedSet[start..<(start + 2 * size)]), shape: [size, 2])
    }

    /// Identifies the points a run trained on, for the resume check: the name, and for a drawn
    /// set a checksum of its values.
    public var checksum: String {
        guard !fixedSet.isEmpty else { return dataset.rawValue }
        let bytes = fixedSet.withUnsafeBytes { Array($0) }
        return SHA256.hex(SHA256.hash(bytes))
    }

    /// "8gaussians, 2-D points drawn afresh for every batch".
    public var summary: String {
        guard let count = fixedCount else { return "\(dataset), 2-D points drawn afresh for every batch" }
        return "\(dataset), \(count) 2-D points drawn once and read in order"
    }
}

extension ImageDataset {
    /// No images: the image side of a toy run's data.
    static var empty: ImageDataset { ImageDataset(height: 1, width: 1, pixelBytes: [UInt8](), labels: []) }
}
