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
/// features are computed once. Every set is read in batches of `batchSize`, so memory is bounded
/// by a batch, not by how many images are scored.
public final class Evaluator {
    public let dataset: DatasetName
    public let classifier: FeatureClassifier
    public let record: ClassifierRecord
    public let test: ImageDataset
    public let testStatistics: FeatureStatistics
    private let dataDirectory: URL?

    /// Images classified at a time.
    public static let batchSize = 500

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
        testStatistics = try Self.measure(test, count: test.count, classifier: classifier).features.statistics()
    }

    /// An empty measurement for sample images, to be filled batch by batch.
    public func measurement() throws(EvaluationError) -> SampleMeasurement {
        try SampleMeasurement(classifier: classifier)
    }

    /// The report on the images `measurement` holds; with `floor`, also the FID of as many real
    /// training images (the training split's first N).
    public func report(_ measurement: SampleMeasurement, floor: Bool = false) throws(EvaluationError) -> EvaluationReport {
        let count = measurement.features.count
        let fid = try measurement.features.statistics().frechetDistance(to: testStatistics)
        return EvaluationReport(dataset: dataset.rawValue, count: count, fid: fid,
                                floorFID: floor ? try floorFID(count: count) : nil, scores: measurement.scores.scores)
    }

    /// The report on `images` [N, 1, 28, 28] in [0, 1]; with `floor`, also the FID of N real
    /// training images (the training split's first N).
    public func evaluate(_ images: Tensor, floor: Bool = false) throws(EvaluationError) -> EvaluationReport {
        var measurement = try measurement()
        for start in stride(from: 0, to: images.shape.first ?? 0, by: Self.batchSize) {
            try measurement.add(images.rows(start..<min(images.shape[0], start + Self.batchSize)))
        }
        return try report(measurement, floor: floor)
    }

    /// FID of the training split's first `count` images (all of them when it has fewer).
    public func floorFID(count: Int) throws(EvaluationError) -> Double {
        let train: ImageDataset
        do {
            train = try dataset.load(.train, from: dataDirectory)
        } catch {
            throw .invalid("reading the training split for the FID floor failed: \(error)")
        }
        return try Self.measure(train, count: min(count, train.count), classifier: classifier).features.statistics()
            .frechetDistance(to: testStatistics)
    }

    /// The first `count` images of `dataset`, measured a batch at a time.
    private static func measure(_ dataset: ImageDataset, count: Int, classifier: FeatureClassifier) throws(EvaluationError) -> SampleMeasurement {
        var measurement = try SampleMeasurement(classifier: classifier)
        for start in stride(from: 0, to: count, by: batchSize) {
            try measurement.add(ClassifierTraining.images(dataset, Array(start..<min(count, start + batchSize))))
        }
        return measurement
    }
}

/// The classifier's features and scores of a set of images that arrives batch by batch.
public struct SampleMeasurement {
    public private(set) var features: FeatureStatistics.Accumulator
    public private(set) var scores: ClassifierScores.Accumulator
    private let classifier: FeatureClassifier

    init(classifier: FeatureClassifier) throws(EvaluationError) {
        self.classifier = classifier
        features = try FeatureStatistics.Accumulator(dimension: FeatureClassifier.featureCount)
        scores = ClassifierScores.Accumulator(classes: FeatureClassifier.classCount)
    }

    /// The number of images added so far.
    public var count: Int { features.count }

    /// Adds `images` [n, 1, 28, 28] in [0, 1].
    public mutating func add(_ images: Tensor) throws(EvaluationError) {
        guard Array(images.shape.dropFirst()) == FeatureClassifier.imageShape else {
            throw .invalid("the classifier takes [N, 1, 28, 28] images, not \(images.shape)")
        }
        let (batchFeatures, logits) = classifier.featuresAndLogits(images)
        features.add(batchFeatures)
        scores.add(logits)
    }
}
