import Foundation
import WGANData
import WGANModels

/// What a run trains on: the images a run's settings name, checked against its batch size, or a
/// toy experiment's 2-D points, as a `TrainingSource`.
public struct TrainingData {
    /// Where the real batches come from and what an epoch draws.
    public let source: any TrainingSource
    /// The dataset's name as `--dataset` takes it, for `config.json`.
    public let name: String
    public let directory: URL
    /// SHA-256 of the images' pixels (hex), kept in each checkpoint so that a resume notices other
    /// images behind the same `--data-dir` and count.
    public let pixelChecksum: String

    /// [channels, height, width] of one image, or [2] for points: the generator's output shape.
    public var imageShape: [Int] { source.sampleShape }

    /// Whether the images were made square from a folder's files (`--image-size` applies).
    public var isImageFolder: Bool { name == DatasetName.imageFolder.rawValue }

    /// The images, for a run on images.
    public var images: ImageDataset? { (source as? ImageSource)?.dataset }

    /// The classes of a conditional run (`--conditional`), in label order; nil otherwise.
    public var classNames: [String]? { (source as? ImageSource)?.classNames }

    /// The resume check's message for a position in the epoch that the data does not have.
    static func positionProblem(_ progress: TrainingProgress) -> String {
        "its position in the epoch (batch \(progress.batchPosition)) does not fit the data"
    }

    /// Batches in one epoch (the last one partial when the batch size does not divide the count);
    /// a toy run's "epoch" is the `--frame-every` iterations between two frames.
    public func batchCount(config: TrainingConfig) -> Int { source.batchCount(config: config) }

    /// Loads the training split of `config`'s dataset (from `--data-dir` when given), keeps the
    /// first `--limit` images, and checks that every batch holds at least two images (training-mode
    /// BatchNorm cannot work on one).
    ///
    /// A `--data-dir` without IDX files is an image folder unless another dataset is named;
    /// a large one is kept decoded in `imageCache` (the folder beside the run), and its decoding
    /// reported to `progress` (and a read from the cache to `info`); skipped files are reported
    /// to `warn`, before any error that follows from them.
    public static func load(_ config: TrainingConfig, model: (any GANModel)? = nil, imageCache: URL? = nil, progress: ProgressReporter? = nil,
                            info: (String) -> Void = { _ in }, warn: (String) -> Void = { _ in }) throws -> TrainingData {
        if let toy = config.toyDataset {
            let points = ToyPoints(dataset: toy, seed: config.seed)
            return TrainingData(source: PointSource(points: points), name: toy.rawValue, directory: URL(fileURLWithPath: "/"),
                                pixelChecksum: points.checksum)
        }
        var name = config.datasetName
        let directory = try config.dataDirectory.map { URL(fileURLWithPath: $0) } ?? name.defaultDirectory()
        if [.mnist, .fashionMNIST].contains(name), config.dataDirectory != nil,
           !ImageDataset.hasIDXFiles(in: directory, split: .train), !ImageFolder.isEmpty(directory) {
            name = .imageFolder
        }
        var dataset: ImageDataset
        var classNames: [String]?
        if config.conditional && ![.imageFolder, .cifar10].contains(name) {
            throw TrainingError.invalidSetting("--conditional needs images with classes: --dataset cifar10, or an image folder with one "
                                               + "subfolder per class (\(name.description) is not supported)")
        }
        if name == .imageFolder {
            // The model's own image size, unless --image-size says otherwise.
            let side = try config.imageSize ?? (model ?? config.model()).defaultImageShape.last ?? 1
            // The size's memory is checked before a file is decoded, not minutes and gigabytes later.
            let files = try ImageFolder.files(in: directory)
            if !files.isEmpty, let model = model ?? (try? config.model()) {
                try TrainingModels.checkMemory(config: config, model: model, imageFolderSide: side, files: files.count)
            }
            let classes = config.conditional ? try folderClasses(directory, files: files) : nil
            let loaded = try loadFolder(directory, config: config, side: side, cache: imageCache, progress: progress, info: info, warn: warn)
            dataset = loaded.dataset
            if let classes {
                // Each decoded file's class: its subfolder's (the files skipped have no image).
                let skipped = Set(loaded.skipped.map(\.path))
                let labels = zip(files, classes.classes).filter { !skipped.contains($0.0) }.map { UInt8($0.1!) }
                dataset = ImageDataset(channels: dataset.channels, height: dataset.height, width: dataset.width,
                                       pixelBytes: dataset.pixelBytes, labels: labels)
                classNames = classes.names
            }
        } else {
            guard config.imageSize == nil && config.channels == nil else {
                throw TrainingError.invalidSetting("--image-size and --channels apply to image folders; \(name)'s images are as its files hold them")
            }
            dataset = try name.load(.train, from: directory)
            if config.conditional { classNames = CIFAR10.classNames }
        }
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
        let summary = "\(name.description), \(dataset.count) images \(dataset.width)×\(dataset.height)\(dataset.channels == 3 ? " RGB" : "") "
            + (classNames.map { "in \($0.count) classes " } ?? "") + "from \(directory.path)"
        return TrainingData(source: ImageSource(dataset: dataset, summary: summary, classNames: classNames), name: name.rawValue, directory: directory,
                            pixelChecksum: SHA256.hex(SHA256.hash(Array(dataset.pixelBytes))))
    }

    /// `config` with its batch size reduced to the number of images, where it is larger, and the
    /// warning that says so (nil when nothing changed).
    public func fittingBatches(_ config: TrainingConfig) -> (TrainingConfig, warning: String?) {
        guard let count = source.sampleCount, config.batchSize > count else { return (config, nil) }
        var fitted = config
        fitted.batchSize = count
        return (fitted, "--batch-size \(config.batchSize) is more than the \(count) training images; "
                        + "training on batches of \(count)")
    }

    /// "MNIST, 60000 images 28×28 from <folder>"; colour images say "RGB".
    public var summary: String { source.summary }

    /// Folders of at least this many files show a decoding progress bar.
    static let progressThreshold = 256

    /// The classes of a conditional run on an image folder: one per first-level subfolder (sorted
    /// by name), refused unless every file is in one and there are at least two.
    static func folderClasses(_ directory: URL, files: [String]) throws(TrainingError) -> (names: [String], classes: [Int?]) {
        let found = ImageFolder.subfolderClasses(of: files)
        let layout = "lay it out as \(directory.path)/<class>/<image>.png, one subfolder per class (at least two)"
        if let loose = zip(files, found.classes).first(where: { $0.1 == nil })?.0 {
            let count = found.classes.filter { $0 == nil }.count
            throw .unsuitableDataset("--conditional takes each image's class from its subfolder, but \(directory.path) holds "
                                     + "\(count) image\(count == 1 ? "" : "s") outside subfolders (\(loose)); \(layout)")
        }
        guard found.names.count >= 2 else {
            let has = found.names.isEmpty ? "has no subfolders" : "has one subfolder ('\(found.names[0])')"
            throw .unsuitableDataset("--conditional needs at least two classes, but \(directory.path) \(has); \(layout)")
        }
        guard found.names.count <= 256 else {
            throw .unsuitableDataset("--conditional takes at most 256 classes; \(directory.path) has \(found.names.count) subfolders")
        }
        return found
    }

    /// An image folder's images, made `side` pixels square.
    private static func loadFolder(_ directory: URL, config: TrainingConfig, side: Int, cache: URL?, progress: ProgressReporter?,
                                   info: (String) -> Void, warn: (String) -> Void) throws -> ImageFolder.Loaded {
        var options = ImageFolder.Options(side: side,
                                          channels: config.channels)
        options.strict = config.strict
        options.cacheFolder = cache
        var started = false
        let loaded = try ImageFolder.load(directory: directory, options: options) { done, total in
            // A small folder decodes in a blink; its bar would only be noise.
            guard total >= progressThreshold else { return }
            if !started { progress?.beginTask("Decoding images", unit: "files", total: total); started = true }
            progress?.update(completed: done)
        }
        if let file = loaded.cacheFile, loaded.fromCache { info("images read from the cache \(file.path)") }
        if !loaded.skipped.isEmpty {
            let named = loaded.skipped.prefix(3).map { "\($0.path) (\($0.reason))" }.joined(separator: "; ")
            warn("skipped \(loaded.skipped.count) unreadable file\(loaded.skipped.count == 1 ? "" : "s") in "
                 + "\(directory.path): \(named)\(loaded.skipped.count > 3 ? "; …" : "") (--strict stops instead)")
        }
        return loaded
    }
}
