import Foundation

/// Images (grey or colour) and their labels, held in memory as the generator's training data.
///
/// The pixels stay the file's bytes (one byte each rather than a Float's four: 47 MB instead of
/// 188 MB for MNIST's training split) and are scaled to [-1, 1] only as a batch is gathered,
/// exactly as the reference's torchvision transform does (`ToTensor()` then
/// `Normalize((0.5,), (0.5,))`, both in Float32), so that the same bytes give bit-identical inputs.
public struct ImageDataset: Sendable {
    /// Which half of an MNIST-style dataset to read.
    public enum Split: String, Sendable, CaseIterable {
        case train
        case test

        /// The prefix of the split's file names: `train-…` or `t10k-…`.
        public var filePrefix: String {
            switch self {
            case .train: return "train"
            case .test: return "t10k"
            }
        }

        /// The image file's name without `.gz`.
        public var imagesFileName: String { "\(filePrefix)-images-idx3-ubyte" }

        /// The label file's name without `.gz`.
        public var labelsFileName: String { "\(filePrefix)-labels-idx1-ubyte" }
    }

    /// The number of images.
    public let count: Int
    /// Rows per image.
    public let height: Int
    /// Columns per image.
    public let width: Int
    /// Channels per image: 1 (grey: MNIST-style data) or 3 (RGB).
    public let channels: Int
    /// `count × channels × height × width` bytes, 0 to 255, image after image, each image's
    /// channels one plane after another (C×H×W, as CIFAR-10's files and the models' tensors
    /// hold them), rows within a plane; `gather` scales them.
    ///
    /// A slice, so that a loaded dataset shares the decompressed file instead of copying 47 MB
    /// to drop the IDX header: its indices start at `startIndex`, which need not be 0.
    public let pixelBytes: ArraySlice<UInt8>
    /// One label per image.
    public let labels: [UInt8]

    /// Values per image: `channels × height × width`.
    public var pixelsPerImage: Int { channels * height * width }

    /// A dataset from pixel bytes already in memory.
    ///
    /// - Precondition: `pixelBytes.count == labels.count × channels × height × width`, all > 0.
    public init(channels: Int = 1, height: Int, width: Int, pixelBytes: ArraySlice<UInt8>, labels: [UInt8]) {
        precondition(height > 0 && width > 0 && channels > 0, "images need at least one pixel")
        precondition(pixelBytes.count == labels.count * channels * height * width, "one image of pixels per label")
        self.count = labels.count
        self.channels = channels
        self.height = height
        self.width = width
        self.pixelBytes = pixelBytes
        self.labels = labels
    }

    /// A dataset from pixel bytes already in memory.
    ///
    /// - Precondition: `pixelBytes.count == labels.count × channels × height × width`, all > 0.
    public init(channels: Int = 1, height: Int, width: Int, pixelBytes: [UInt8], labels: [UInt8]) {
        self.init(channels: channels, height: height, width: width, pixelBytes: pixelBytes[...], labels: labels)
    }

    /// The first `maxCount` images (all of them when there are fewer), copied, so that a small
    /// prefix does not keep the whole file's buffer alive.
    public func prefix(_ maxCount: Int) -> ImageDataset {
        let kept = min(max(maxCount, 0), count)
        return ImageDataset(channels: channels, height: height, width: width,
                            pixelBytes: Array(pixelBytes.prefix(kept * pixelsPerImage)),
                            labels: Array(labels.prefix(kept)))
    }

    /// The value a pixel byte becomes: `v = byte / 255`, then `(v − 0.5) / 0.5`, in Float.
    public static func scaledPixel(_ byte: UInt8) -> Float {
        let unit = Float(byte) / 255
        return (unit - 0.5) / 0.5
    }


    /// Reads one split from `directory`, which holds the IDX files named after the split
    /// (`train-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, …), each gzipped (`.gz`) or plain.
    ///
    /// When the folder has a `SHA256SUMS` file, every file read that it lists is checked first.
    ///
    /// - Throws: `DataError` when the folder or a file is missing, a file is unreadable, damaged,
    ///   not IDX, fails its checksum, or the image and label counts differ.
    public static func load(directory: URL, split: Split) throws(DataError) -> ImageDataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
              isDirectory.boolValue
        else { throw .directoryNotFound(path: directory.path) }
        let checksums = try SHA256Sums.load(in: directory)

        let labelURL = try locate(split.labelsFileName, in: directory, preferring: checksums)
        let labels = try IDXFile.read(at: labelURL, rank: 1, checksums: checksums)
        let imageURL = try locate(split.imagesFileName, in: directory, preferring: checksums)
        let images = try IDXFile.read(at: imageURL, rank: 3, checksums: checksums)
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw .countMismatch(images: images.path, imageCount: images.dimensions[0],
                                 labels: labels.path, labelCount: labels.dimensions[0])
        }
        return ImageDataset(height: images.dimensions[1], width: images.dimensions[2],
                            pixelBytes: images.elements, labels: Array(labels.elements))
    }

    /// Whether `directory` holds the IDX image file of `split` (gzipped or plain).
    public static func hasIDXFiles(in directory: URL, split: Split) -> Bool {
        [split.imagesFileName + ".gz", split.imagesFileName].contains {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
        }
    }

    /// The file for `name` in `directory`: `name.gz` or `name`. When both exist, the one that
    /// `SHA256SUMS` lists wins, so that the checked file is the one read; otherwise the `.gz`.
    private static func locate(_ name: String, in directory: URL,
                               preferring checksums: SHA256Sums?) throws(DataError) -> URL {
        let present = [name + ".gz", name].filter {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
        }
        let chosen = present.first { checksums?.lists($0) == true } ?? present.first
        guard let chosen else { throw .fileNotFound(directory: directory.path, name: name) }
        return directory.appendingPathComponent(chosen)
    }
}

/// The values pixel bytes become in a batch: [-1, 1] for a tanh generator (the seed's
/// `Normalize(0.5, 0.5)`), [0, 1] for a sigmoid one (the paper's MNIST model).
public enum PixelRange: String, Sendable, CaseIterable {
    /// `(byte / 255 − 0.5) / 0.5`: `ImageDataset.scaledPixel`.
    case symmetric
    /// `byte / 255`.
    case unit
    /// `2·(byte/256 − 0.5)`: the official gan_cifar_resnet.py's scaling, before its uniform
    /// dequantisation noise in [0, 1/128) (which the trainer adds).
    case dequantized

    /// The value of each byte, indexed by the byte: a lookup is both faster than the arithmetic
    /// and the same to the bit.
    var table: [Float] {
        switch self {
        case .symmetric: Self.symmetricTable
        case .unit: Self.unitTable
        case .dequantized: Self.dequantizedTable
        }
    }

    private static let symmetricTable: [Float] = (0...255).map { ImageDataset.scaledPixel(UInt8($0)) }
    private static let unitTable: [Float] = (0...255).map { Float(UInt8($0)) / 255 }
    private static let dequantizedTable: [Float] = (0...255).map { Float(2 * (Double($0) / 256 - 0.5)) }
}
