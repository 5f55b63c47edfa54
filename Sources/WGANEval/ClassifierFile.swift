import Foundation
import TensorFormats
import WGANData
import WGANEngine
import WGANFiles
import WGANNN

/// A trained feature classifier on disk: `<dataset>.safetensors` (its state dict, F32) and
/// `<dataset>.json` (`ClassifierRecord`: the weights' SHA-256, the test accuracy, how it was
/// trained). The package ships one pair per dataset in `Resources/classifiers`, so evaluation
/// works offline; the SHA-256 is checked on every load, so a damaged file is refused.
public struct ClassifierRecord: Codable, Equatable, Sendable {
    public var dataset: String
    public var sha256: String
    public var testAccuracy: Double
    public var testImages: Int
    public var seed: UInt64
    public var epochs: Int
    public var seconds: Double
    public var command: String

    public init(dataset: String, sha256: String, testAccuracy: Double, testImages: Int, seed: UInt64, epochs: Int,
                seconds: Double, command: String) {
        (self.dataset, self.sha256, self.testAccuracy, self.testImages) = (dataset, sha256, testAccuracy, testImages)
        (self.seed, self.epochs, self.seconds, self.command) = (seed, epochs, seconds, command)
    }

    enum CodingKeys: String, CodingKey {
        case dataset, sha256, seed, epochs, seconds, command
        case testAccuracy = "test_accuracy", testImages = "test_images"
    }
}

public enum ClassifierFile {
    /// The datasets with a feature classifier: 28×28 grey images in 10 classes.
    public static let datasets: [DatasetName] = [.mnist, .fashionMNIST]

    /// The dataset `name` names, when it has a feature classifier.
    public static func dataset(named name: String) throws(EvaluationError) -> DatasetName {
        guard let dataset = DatasetName(rawValue: name), datasets.contains(dataset) else {
            throw .invalid("unknown --dataset '\(name)' for evaluation (expected \(datasets.map(\.rawValue).joined(separator: " or ")))")
        }
        return dataset
    }

    /// The shipped classifiers' folder inside the package's resources.
    public static var shippedFolder: URL? { Bundle.module.url(forResource: "classifiers", withExtension: nil) }

    /// The shipped classifier for `dataset`, checked against its SHA-256.
    public static func shipped(for dataset: DatasetName) throws(EvaluationError) -> (FeatureClassifier, ClassifierRecord) {
        guard let folder = shippedFolder else { throw .classifier("the package's classifiers resource is missing; rebuild the package") }
        return try load(dataset: dataset, from: folder)
    }

    /// Loads `<dataset>.safetensors` from `folder`, refusing it unless its SHA-256 is the one
    /// `<dataset>.json` records.
    public static func load(dataset: DatasetName, from folder: URL) throws(EvaluationError) -> (FeatureClassifier, ClassifierRecord) {
        let (weightsURL, recordURL) = urls(dataset, in: folder)
        let record: ClassifierRecord
        let bytes: [UInt8]
        do {
            record = try JSONDecoder().decode(ClassifierRecord.self, from: Data(try Files.read(recordURL.path)))
            bytes = try Files.read(weightsURL.path)
        } catch let error as FileError {
            throw .classifier("no \(dataset.rawValue) classifier (\(error.description)); train one with `wgan classifier train --dataset \(dataset.rawValue)`")
        } catch {
            throw .classifier("\(recordURL.path) is not a classifier record: \(error)")
        }
        let digest = SHA256.hex(SHA256.hash(bytes))
        guard digest == record.sha256 else {
            throw .classifier("\(weightsURL.path) is damaged: its SHA-256 is \(digest), the record says \(record.sha256)")
        }
        var random = RandomGenerator(seed: 0)
        let classifier = FeatureClassifier(using: &random)
        do {
            let file = try SafeTensors(data: Data(bytes))
            var values: [String: LoadedValue] = [:]
            for name in file.names { values[name] = .floats(try file.floats(name), shape: try file.shape(of: name)) }
            try classifier.loadStateDict(values, strict: true)
        } catch {
            throw .classifier("\(weightsURL.path): \(error)")
        }
        classifier.eval()
        return (classifier, record)
    }

    /// Writes `classifier` and its record (with the weights' SHA-256 filled in) into `folder`
    /// (created when missing), each atomically; returns the record written.
    @discardableResult
    public static func write(_ classifier: FeatureClassifier, record: ClassifierRecord, dataset: DatasetName,
                             to folder: URL) throws(EvaluationError) -> ClassifierRecord {
        let (weightsURL, recordURL) = urls(dataset, in: folder)
        var record = record
        do {
            var file = SafeTensors(metadata: ["format": "wgan-classifier", "dataset": dataset.rawValue])
            for (name, value) in classifier.stateDict {
                guard case .tensor(let tensor) = value else { continue }
                try file.set(name, floats: tensor.scalars, shape: tensor.shape)
            }
            try Files.createFolders(folder.path)
            let bytes = [UInt8](file.encoded())
            record.sha256 = SHA256.hex(SHA256.hash(bytes))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try Files.write(bytes, to: weightsURL.path)
            try Files.write([UInt8](try encoder.encode(record)) + [UInt8(ascii: "\n")], to: recordURL.path)
        } catch let error as FileError {
            throw .classifier("\(error.description); the classifier was not saved")
        } catch {
            throw .classifier("cannot write the classifier to \(folder.path): \(error)")
        }
        return record
    }

    static func urls(_ dataset: DatasetName, in folder: URL) -> (weights: URL, record: URL) {
        (folder.appendingPathComponent("\(dataset.rawValue).safetensors"), folder.appendingPathComponent("\(dataset.rawValue).json"))
    }
}
