import Foundation
import WGANData
import WGANEngine

/// The measures `wgan evaluate` and `wgan train --eval-every` report for a set of samples.
public struct EvaluationReport: Equatable, Sendable {
    public let dataset: String
    public let count: Int
    /// FID of the samples' classifier features against the test split's.
    public let fid: Double
    /// FID of the first `count` real training images against the test split: the floor a
    /// perfect generator would reach with this many samples.
    public let floorFID: Double?
    public let scores: ClassifierScores

    /// The report as one JSON object (sorted keys; numbers with up to 6 decimals, so that equal
    /// inputs print equal text).
    public var json: String {
        var fields = [
            "\"dataset\":\"\(dataset)\"", "\"count\":\(count)", "\"fid\":\(Self.number(fid))",
            "\"inception_score\":\(Self.number(scores.inceptionScore))", "\"confident\":\(Self.number(scores.confident))",
            "\"classes\":[\(scores.classes.map(String.init).joined(separator: ","))]",
        ]
        if let floorFID { fields.append("\"fid_train_floor\":\(Self.number(floorFID))") }
        return "{" + fields.sorted().joined(separator: ",") + "}"
    }

    /// Lines for people.
    public var lines: [String] {
        [String(format: "FID %.3f against the test split of ", fid) + "\(dataset) (\(count) samples)"]
            + (floorFID.map { [String(format: "FID %.3f of %d real training images (the floor)", $0, count)] } ?? [])
            + [String(format: "Inception score %.3f; confident (p ≥ %.1f) %.1f%%", scores.inceptionScore,
                      ClassifierScores.confidenceThreshold, 100 * scores.confident),
               "classes " + scores.classes.map(String.init).joined(separator: " ")]
    }

    /// Six decimals, always: equal values print equal text.
    static func number(_ x: Double) -> String { String(format: "%.6f", x) }
}

/// Scores sample sets with one dataset's shipped classifier against its test split, whose
/// features are computed once.
public final class Evaluator {
    public let dataset: DatasetName
    public let classifier: FeatureClassifier
    public let record: ClassifierRecord
    public let test: ImageDataset
    public let testStatistics: FeatureStatistics
    private let dataDirectory: URL?

    /// Loads the shipped classifier for `dataset` and the test split (from `dataDirectory` when given).
    public convenience init(dataset: DatasetName, dataDirectory: URL? = nil) throws {
        let (classifier, record) = try ClassifierFile.shipped(for: dataset)
        try self.init(dataset: dataset, classifier: classifier, record: record, test: dataset.load(.test, from: dataDirectory),
                      dataDirectory: dataDirectory)
    }

    public init(dataset: DatasetName, classifier: FeatureClassifier, record: ClassifierRecord, test: ImageDataset,
                dataDirectory: URL? = nil) throws(EvaluationError) {
        guard test.count >= 2 else { throw .invalid("the test split holds \(test.count) images; FID needs at least 2") }
        (self.dataset, self.classifier, self.record, self.test, self.dataDirectory) = (dataset, classifier, record, test, dataDirectory)
        let images = try ClassifierTraining.images(test, Array(0..<test.count))
        testStatistics = try FeatureStatistics(features: classifier.featuresAndLogits(images).features)
    }

    /// The report on `images` [N, 1, 28, 28] in [0, 1]; with `floor`, also the FID of N real
    /// training images (the training split's first N).
    public func evaluate(_ images: Tensor, floor: Bool = false) throws -> EvaluationReport {
        guard Array(images.shape.dropFirst()) == FeatureClassifier.imageShape else {
            throw EvaluationError.invalid("the classifier takes [N, 1, 28, 28] images, not \(images.shape)")
        }
        let (features, logits) = classifier.featuresAndLogits(images)
        let fid = try FeatureStatistics(features: features).frechetDistance(to: testStatistics)
        return EvaluationReport(dataset: dataset.rawValue, count: images.shape[0], fid: fid,
                                floorFID: floor ? try floorFID(count: images.shape[0]) : nil, scores: ClassifierScores(logits: logits))
    }

    /// FID of the training split's first `count` images (all of them when it has fewer).
    public func floorFID(count: Int) throws -> Double {
        let train = try dataset.load(.train, from: dataDirectory)
        let images = try ClassifierTraining.images(train, Array(0..<min(count, train.count)))
        return try FeatureStatistics(features: classifier.featuresAndLogits(images).features).frechetDistance(to: testStatistics)
    }
}
