/// How well samples cover a Gaussian mixture's modes, as the toy experiments measure it: a
/// sample is of high quality when it lies within three standard deviations of its nearest
/// centre, and a mode is covered when at least 1% of all samples are high-quality ones at it.
public struct ModeCoverage: Equatable, Sendable {
    /// High-quality samples at each mode, in the order of the dataset's `modes`.
    public let highQualityPerMode: [Int]
    /// How many samples were measured.
    public let sampleCount: Int

    /// Measures `points` ([x0, y0, x1, y1, ...]) against `dataset`'s modes; nil for a set without modes.
    public init?(points: [Float], dataset: ToyDataset) {
        guard let modes = dataset.modes, let spread = dataset.modeStandardDeviation else { return nil }
        let radiusSquared = (3 * spread) * (3 * spread)
        var counts = [Int](repeating: 0, count: modes.count)
        let count = points.count / 2
        for i in 0..<count {
            let point = SIMD2(Double(points[2 * i]), Double(points[2 * i + 1]))
            guard point.x.isFinite, point.y.isFinite else { continue }
            var nearest = 0, nearestDistance = Double.infinity
            for (m, centre) in modes.enumerated() {
                let d = point - centre, distance = (d * d).sum()
                if distance < nearestDistance { (nearest, nearestDistance) = (m, distance) }
            }
            if nearestDistance <= radiusSquared { counts[nearest] += 1 }
        }
        highQualityPerMode = counts
        sampleCount = count
    }

    /// Modes holding at least 1% of the samples as high-quality ones.
    public var coveredModes: Int {
        highQualityPerMode.filter { 100 * $0 >= sampleCount && $0 > 0 }.count
    }

    /// The share of samples of high quality, in [0, 1].
    public var highQualityShare: Double {
        sampleCount == 0 ? 0 : Double(highQualityPerMode.reduce(0, +)) / Double(sampleCount)
    }
}
