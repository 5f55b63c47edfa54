import Foundation
import WGANData
import WGANEngine

/// What `wgan evaluate` reports for colour images: FID and KID against a reference set, and the
/// Inception score, all from the FID Inception network.
public struct InceptionReport: Equatable, Sendable {
    public let fid: Double
    public let inceptionScore: InceptionScore
    /// Nil when the reference holds statistics only (a `.npz` of `mu` and `sigma`).
    public let kid: KernelInceptionDistance?
    public let sampleCount: Int
    /// Nil for statistics read from a `.npz`, which do not say how many images made them.
    public let referenceCount: Int?

    /// One JSON object, sorted keys, six decimals (KID eight: its values are small).
    public var json: String {
        var fields = ["\"fid\":\(String(format: "%.6f", fid))", "\"inception_score\":\(String(format: "%.6f", inceptionScore.mean))",
                      "\"inception_score_std\":\(String(format: "%.6f", inceptionScore.standardDeviation))",
                      "\"count\":\(sampleCount)"] + (referenceCount.map { ["\"reference_count\":\($0)"] } ?? [])
        if let kid {
            fields += ["\"kid\":\(String(format: "%.8f", kid.mean))", "\"kid_std\":\(String(format: "%.8f", kid.standardDeviation))",
                       "\"kid_subset_size\":\(kid.subsetSize)", "\"kid_subsets\":\(kid.subsets)"]
        }
        return "{" + fields.sorted().joined(separator: ",") + "}"
    }

    /// Lines for people.
    public var lines: [String] {
        [String(format: "FID %.3f (%d samples against ", fid, sampleCount)
            + (referenceCount.map { "\($0) reference images)" } ?? "the reference's mean and covariance)"),
         String(format: "Inception score %.3f ± %.3f (%d splits)", inceptionScore.mean, inceptionScore.standardDeviation, inceptionScore.splits),
         kid.map { String(format: "KID %.5f ± %.5f (%d subsets of %d)", $0.mean, $0.standardDeviation, $0.subsets, $0.subsetSize) }
            ?? "KID: not computed (the reference holds mean and covariance only, not features)"]
    }
}

/// A reference set as FID and KID need it: the mean and covariance of its pool3 features, and the
/// features themselves where they are at hand (KID draws subsets of them).
public struct InceptionReference {
    public let statistics: FeatureStatistics
    /// [N, 2048], or nil for statistics read from a file.
    public let features: Tensor?
}

/// The pool3 features and logits of images that arrive batch by batch.
public struct InceptionMeasurement {
    public private(set) var statistics: FeatureStatistics.Accumulator
    /// Nil for a reference set, which needs no score.
    public private(set) var scores: InceptionScore.Accumulator?
    /// Every image's pool3 features, for KID: 8 KB an image, against the 12 KB of a 32×32 image
    /// that is not kept.
    public private(set) var features: [Float] = []
    public let count: Int

    /// For `count` images (at least 10 for the Inception score's splits; 2 for a reference, which
    /// is not scored); features and classes are the network's unless a test says otherwise.
    public init(count: Int, scored: Bool = true, features dimension: Int = InceptionNetwork.featureCount,
                classes: Int = InceptionNetwork.classCount) throws(EvaluationError) {
        guard !scored || count >= InceptionScore.defaultSplits else {
            throw .invalid("the Inception score needs at least \(InceptionScore.defaultSplits) samples (one a split), got \(count)")
        }
        guard count >= 2 else { throw .invalid("FID needs at least 2 images, got \(count)") }
        self.count = count
        statistics = try FeatureStatistics.Accumulator(dimension: dimension)
        scores = scored ? InceptionScore.Accumulator(count: count, classes: classes) : nil
        features.reserveCapacity(count * dimension)
    }

    /// Adds images [n, 3, H, W] in [0, 1] (grey ones are repeated over the three channels).
    public mutating func add(_ images: Tensor, network: InceptionNetwork) throws(EvaluationError) {
        guard images.rank == 4, images.shape[1] == 3 || images.shape[1] == 1 else {
            throw .invalid("the Inception network takes [N, 3, H, W] (or grey [N, 1, H, W]) images, not \(images.shape)")
        }
        try add(network(images.shape[1] == 3 ? images : InceptionKernels.concatenateChannels([images, images, images])))
    }

    /// Adds the network's outputs for the next images.
    public mutating func add(_ outputs: InceptionNetwork.Outputs) throws(EvaluationError) {
        guard statistics.count + outputs.pool3.shape[0] <= count else {
            throw .invalid("more than the \(count) images announced")
        }
        statistics.add(outputs.pool3)
        scores?.add(outputs.logits)
        features.append(contentsOf: outputs.pool3.storage.buffer)
    }

    /// The reference these images make (FID and KID against them).
    public func reference() throws(EvaluationError) -> InceptionReference {
        InceptionReference(statistics: try statistics.statistics(),
                           features: Tensor(features, shape: [statistics.count, statistics.dimension]))
    }

    /// The report of these images as samples against `reference`.
    public func report(against other: InceptionReference, kidSubsets: Int = KernelInceptionDistance.defaultSubsets,
                       kidSubsetSize: Int = KernelInceptionDistance.defaultSubsetSize) throws(EvaluationError) -> InceptionReport {
        guard statistics.count == count else { throw .invalid("\(statistics.count) of the \(count) images announced were measured") }
        guard let scores else { throw .invalid("a reference set is not scored") }
        let mine = try reference()
        let kid = try other.features.map { features throws(EvaluationError) in
            try KernelInceptionDistance(mine.features!, features, subsets: kidSubsets, subsetSize: kidSubsetSize)
        }
        return InceptionReport(fid: try mine.statistics.frechetDistance(to: other.statistics), inceptionScore: scores.score,
                               kid: kid, sampleCount: count, referenceCount: other.statistics.count > 0 ? other.statistics.count : nil)
    }
}

extension InceptionNetwork {
    /// The reference of the first `count` images of `dataset` (all when nil), read a batch at a time.
    public func reference(of dataset: ImageDataset, count: Int? = nil) throws(EvaluationError) -> InceptionReference {
        let total = min(count ?? dataset.count, dataset.count)
        var measurement = try InceptionMeasurement(count: total, scored: false)
        for start in stride(from: 0, to: total, by: Self.batchSize) {
            let indices = Array(start..<min(total, start + Self.batchSize))
            let storage = TensorStorage(uninitializedCount: indices.count * dataset.pixelsPerImage)
            do {
                try dataset.gather(indices, into: storage.buffer, range: .unit)
            } catch {
                throw .invalid("reading the reference images failed: \(error)")
            }
            try measurement.add(Tensor(storage: storage, shape: [indices.count, dataset.channels, dataset.height, dataset.width]), network: self)
        }
        return try measurement.reference()
    }
}
