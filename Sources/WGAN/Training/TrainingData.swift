import Foundation
import WGANData

/// What a run trains on: the images a run's settings name, checked against its batch size, or a
/// toy experiment's 2-D points.
public struct TrainingData {
    /// The images (empty for a toy run, whose points are in `points`).
    public let dataset: ImageDataset
    /// The 2-D points of a toy run, or nil.
    public let points: ToyPoints?
    /// The dataset's name as `--dataset` takes it, for `config.json`.
    public let name: String
    public let directory: URL
    /// SHA-256 of the images' pixels (hex), kept in each checkpoint so that a resume notices other
    /// images behind the same `--data-dir` and count.
    public let pixelChecksum: String

    /// [channels, height, width] of one image, or [2] for points: the generator's output shape.
    public var imageShape: [Int] { points == nil ? [dataset.channels, dataset.height, dataset.width] : [2] }

    /// Batches in one epoch (the last one partial when the batch size does not divide the count);
    /// a toy run's "epoch" is the `--frame-every` iterations between two frames.
    public func batchCount(config: TrainingConfig) -> Int {
        points == nil ? Batches.count(items: dataset.count, batchSize: config.batchSize) : config.frameEvery * config.criticSteps
    }

    /// Loads the training split of `config`'s dataset (from `--data-dir` when given), keeps the
    /// first `--limit` images, and checks that every batch holds at least two images (training-mode
    /// BatchNorm cannot work on one).
    public static func load(_ config: TrainingConfig) throws -> TrainingData {
        if let toy = config.toyDataset {
            let points = ToyPoints(dataset: toy, seed: config.seed)
            return TrainingData(dataset: ImageDataset.empty, points: points, name: toy.rawValue,
                                directory: URL(fileURLWithPath: "/"), pixelChecksum: points.checksum)
        }
        let name = config.datasetName
        let directory = try config.dataDirectory.map { URL(fileURLWithPath: $0) } ?? name.defaultDirectory()
        var dataset = try name.load(.train, from: directory)
        if let limit = config.imageLimit, limit < dataset.count {
            dataset = dataset.prefix(limit)
        }
        let count = dataset.count
        guard count >= 2 else {
            throw TrainingError.unsuitableDataset("\(directory.path) holds \(count) training image\(count == 1 ? "" : "s"); training needs at least 2")
        }
        // A batch size above the count is reduced to it when the run starts (`fittingBatches`).
        guard count % min(config.batchSize, count) != 1 else {
            throw TrainingError.unsuitableDataset(
                "\(count) images in batches of \(config.batchSize) leave a last batch of one image, which BatchNorm cannot "
                    + "train on; choose another --batch-size" + (config.imageLimit == nil ? "" : " or --limit"))
        }
        return TrainingData(dataset: dataset, points: nil, name: name.rawValue, directory: directory,
                            pixelChecksum: SHA256.hex(SHA256.hash(Array(dataset.pixelBytes))))
    }

    /// `config` with its batch size reduced to the number of images, where it is larger, and the
    /// warning that says so (nil when nothing changed).
    public func fittingBatches(_ config: TrainingConfig) -> (TrainingConfig, warning: String?) {
        let count = points?.fixedCount ?? (points == nil ? dataset.count : Int.max)
        guard config.batchSize > count else { return (config, nil) }
        var fitted = config
        fitted.batchSize = count
        return (fitted, "warning: --batch-size \(config.batchSize) is more than the \(count) training images; "
                        + "training on batches of \(count)")
    }

    /// "MNIST, 60000 images 28×28 from <folder>".
    public var summary: String {
        if let points { return points.summary }
        return "\(DatasetName(rawValue: name)?.description ?? name), \(dataset.count) images \(dataset.width)×\(dataset.height) from \(directory.path)"
    }
}
