import Foundation

/// Greyscale images and their labels, held in memory as the generator's training data.
///
/// Pixels are scaled to [-1, 1] exactly as the reference's torchvision transform does
/// (`ToTensor()` then `Normalize((0.5,), (0.5,))`, both in Float32), so that the same bytes give
/// bit-identical inputs.
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
    /// Channels per image; MNIST-style data is greyscale.
    public var channels: Int { 1 }
    /// `count × channels × height × width` values in [-1, 1], image after image, row-major.
    public let pixels: [Float]
    /// One label per image.
    public let labels: [UInt8]

    /// Values per image: `channels × height × width`.
    public var pixelsPerImage: Int { channels * height * width }

    /// A dataset from scaled pixels already in memory.
    ///
    /// - Precondition: `pixels.count == labels.count × height × width`, `height, width > 0`.
    public init(height: Int, width: Int, pixels: [Float], labels: [UInt8]) {
        precondition(height > 0 && width > 0, "images need at least one pixel")
        precondition(pixels.count == labels.count * height * width, "one image of pixels per label")
        self.count = labels.count
        self.height = height
        self.width = width
        self.pixels = pixels
        self.labels = labels
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
                            pixels: scaledPixels(images), labels: Array(labels.elements))
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

    /// Scales every pixel byte through a 256-entry table built with `scaledPixel`, which is both
    /// faster than the arithmetic and the same to the bit.
    private static func scaledPixels(_ images: IDXFile) -> [Float] {
        let table = (0...255).map { scaledPixel(UInt8($0)) }
        let count = images.elementCount
        let offset = images.dataOffset
        return [Float](unsafeUninitializedCapacity: count) { target, initialized in
            images.contents.withUnsafeBufferPointer { source in
                table.withUnsafeBufferPointer { table in
                    let bytes = source.baseAddress! + offset
                    let out = target.baseAddress!
                    let lookup = table.baseAddress!
                    for index in 0..<count {
                        out[index] = lookup[Int(bytes[index])]
                    }
                }
            }
            initialized = count
        }
    }
}
