import Foundation
import TensorFormats
import WGANFiles

/// CIFAR-10 (Krizhevsky, 2009: 60,000 colour images 32×32 in 10 classes) from either of its
/// official versions, extracted: the binary one (`data_batch_1.bin` … `data_batch_5.bin`,
/// `test_batch.bin`: records of one label byte and 3,072 pixel bytes) or the Python one (the
/// same names without `.bin`: pickled dicts whose `data` is a uint8 numpy array [10000, 3072]
/// and `labels` a list of ints), read without Python. Pixels are C×H×W already (1,024 red
/// bytes, then green, then blue), as `ImageDataset` keeps them.
public enum CIFAR10 {
    /// The names of the ten classes, in label order (batches.meta.txt's).
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    static let side = 32
    static let pixelsPerImage = 3 * 32 * 32
    /// Images in each of the official files.
    static let imagesPerFile = 10_000

    /// MD5s of the Python version's files, as torchvision lists them with the tarball's
    /// (c58f30108f718f92721af3b95e74349a). Nobody publishes the binary version's per file, so
    /// those are checked for structure (and against a `SHA256SUMS` beside them, when present).
    static let pythonMD5s = [
        "data_batch_1": "c99cafc152244af753f735de768cd75f", "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
        "data_batch_3": "54ebc095f3ab1f0389bbae665268c751", "data_batch_4": "634d18415352ddfa80567beed471001a",
        "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb", "test_batch": "40351d587109b95175f43aff81a1287e",
    ]

    /// The files of `split` without extension: `data_batch_1` … `data_batch_5` or `test_batch`.
    static func fileNames(_ split: ImageDataset.Split) -> [String] {
        split == .train ? (1...5).map { "data_batch_\($0)" } : ["test_batch"]
    }

    /// Reads `split` from `directory`, or from the `cifar-10-batches-bin` or `cifar-10-batches-py`
    /// folder inside it (as the tarballs extract). The training split is every
    /// `data_batch_N` from 1 up to the first one missing (so a folder of fewer files trains on
    /// them), and a gap with later batches present is refused rather than those being dropped
    /// silently: refusing keeps "the first k batches" the only partial set, which a person can
    /// tell from the folder, instead of training on a set nobody chose. A full-size Python file
    /// (10,000 images) of an official name must have its official MD5.
    ///
    /// - Throws: `DataError` when nothing of either version is there, a training batch is missing
    ///   before a present one, or a file is unreadable, malformed, or fails a checksum.
    public static func load(directory: URL, split: ImageDataset.Split) throws(DataError) -> ImageDataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw .directoryNotFound(path: directory.path) }
        let subfolders = ["cifar-10-batches-bin", "cifar-10-batches-py"]
        let candidates = [directory] + subfolders.map { directory.appendingPathComponent($0) }
        let first = fileNames(split)[0]
        for folder in candidates {
            for binary in [true, false] where exists(folder.appendingPathComponent(first + (binary ? ".bin" : ""))) {
                return try load(folder: folder, split: split, binary: binary)
            }
        }
        throw .versionedFileNotFound(directory: directory.path, binaryName: first + ".bin", pythonName: first, subfolders: subfolders)
    }

    private static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    private static func load(folder: URL, split: ImageDataset.Split, binary: Bool) throws(DataError) -> ImageDataset {
        let files = fileNames(split).map { folder.appendingPathComponent($0 + (binary ? ".bin" : "")) }
        let present = files.prefix { exists($0) }
        if let lastPresent = files.lastIndex(where: { exists($0) }), lastPresent >= present.count {
            let gap = files[present.count...lastPresent]
            throw .missingBatches(directory: folder.path, missing: gap.filter { !exists($0) }.map(\.lastPathComponent),
                                  later: gap.filter { exists($0) }.map(\.lastPathComponent))
        }
        let checksums = try SHA256Sums.load(in: folder)
        var pixels: [UInt8] = [], labels: [UInt8] = []
        for (name, url) in zip(fileNames(split), present) {
            if binary { try checkBinarySize(path: url.path) }
            let bytes: [UInt8]
            do { bytes = try Files.read(url.path) } catch { throw .unreadable(path: url.path, reason: error.reason) }
            try checksums?.verify(bytes, name: url.lastPathComponent, path: url.path)
            let part = binary ? try readBinary(bytes, path: url.path) : try readPickle(bytes, path: url.path)
            if !binary, part.labels.count == imagesPerFile, let expected = pythonMD5s[name] {
                let actual = MD5.hex(bytes)
                guard actual == expected else { throw .officialChecksumMismatch(path: url.path, expected: expected, actual: actual) }
            }
            pixels += part.pixels
            labels += part.labels
        }
        return ImageDataset(channels: 3, height: side, width: side, pixelBytes: pixels, labels: labels)
    }

    /// Refuses a binary-version file whose size is not a whole number of records, or more
    /// records than an official file's 10,000, from its size alone: reading a wrong file whole
    /// first would take the memory and time of whatever size it has.
    static func checkBinarySize(path: String) throws(DataError) {
        let record = 1 + pixelsPerImage
        let size: Int
        do { size = try Files.size(path) } catch { throw .unreadable(path: path, reason: error.reason) }
        guard size > 0, size % record == 0 else {
            throw .malformedFile(path: path, detail: "\(size) bytes is not a whole number of \(record)-byte records")
        }
        guard size <= imagesPerFile * record else {
            throw .malformedFile(path: path, detail: "\(size) bytes is more than the \(imagesPerFile) records "
                                     + "(\(imagesPerFile * record) bytes) of an official file")
        }
    }

    /// Records of a label byte (0–9) and 3,072 pixel bytes.
    static func readBinary(_ bytes: [UInt8], path: String) throws(DataError) -> (pixels: [UInt8], labels: [UInt8]) {
        let record = 1 + pixelsPerImage
        guard !bytes.isEmpty, bytes.count % record == 0 else {
            throw .malformedFile(path: path, detail: "\(bytes.count) bytes is not a whole number of \(record)-byte records")
        }
        let count = bytes.count / record
        var pixels = [UInt8](), labels = [UInt8]()
        pixels.reserveCapacity(count * pixelsPerImage)
        labels.reserveCapacity(count)
        for i in 0..<count {
            let start = i * record
            try checkLabel(Int(bytes[start]), index: i, path: path)
            labels.append(bytes[start])
            pixels += bytes[start + 1..<start + record]
        }
        return (pixels, labels)
    }

    /// A pickled `{b'data': uint8 array [N, 3072], b'labels': [N ints], …}`.
    static func readPickle(_ bytes: [UInt8], path: String) throws(DataError) -> (pixels: [UInt8], labels: [UInt8]) {
        func bad(_ detail: String) -> DataError { .malformedFile(path: path, detail: detail) }
        let value: PickleValue
        do { value = try Unpickler.load(bytes) } catch { throw bad("not a readable pickle (\(error.reason))") }
        guard case .dict(let pairs) = value else { throw bad("the pickle is not a dict") }
        func entry(_ key: String) -> PickleValue? {
            pairs.first { key_, _ in key_.byteValue == Array(key.utf8) || key_ == .string(key) }?.1
        }
        guard let data = entry("data"), let labelList = entry("labels") else { throw bad("the dict has no 'data' or no 'labels'") }
        let (shape, pixels) = try numpyUInt8Array(data, bad)
        guard shape.count == 2, shape[1] == pixelsPerImage else { throw bad("'data' has shape \(shape), not [N, \(pixelsPerImage)]") }
        guard case .list(let items) = labelList, items.count == shape[0] else { throw bad("'labels' is not a list of \(shape[0]) ints") }
        var labels = [UInt8]()
        labels.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .int(let label) = item else { throw bad("label \(i) is not an int") }
            try checkLabel(label, index: i, path: path)
            labels.append(UInt8(label))
        }
        return (pixels, labels)
    }

    /// The shape and bytes of a C-ordered uint8 numpy array as numpy pickles it:
    /// `_reconstruct(ndarray, (0,), b'b')` built with `(1, shape, dtype('u1'), False, raw bytes)`.
    private static func numpyUInt8Array(_ value: PickleValue, _ bad: (String) -> DataError) throws(DataError) -> ([Int], [UInt8]) {
        guard case .built(.call(.global(let module, "_reconstruct"), _), let state) = value,
              module == "numpy.core.multiarray" || module == "numpy._core.multiarray",
              case .tuple(let fields) = state, fields.count == 5, case .tuple(let dimensions) = fields[1]
        else { throw bad("'data' is not a pickled numpy array") }
        guard case .built(.call(.global(_, "dtype"), let dtype), _) = fields[2], dtype.first == .string("u1") || dtype.first?.byteValue == Array("u1".utf8)
        else { throw bad("'data' is not of dtype uint8") }
        guard fields[3] == .bool(false) || fields[3] == .int(0) else { throw bad("'data' is in Fortran order") }
        var shape = [Int]()
        for dimension in dimensions {
            guard case .int(let size) = dimension, size >= 0 else { throw bad("'data' has a bad shape") }
            shape.append(size)
        }
        var size = 1
        for dimension in shape {
            let (product, overflow) = size.multipliedReportingOverflow(by: dimension)
            // Wrapped around, a shape like [2^62, 3072] would claim to need 0 bytes.
            guard !overflow else { throw bad("'data' has shape \(shape), whose size overflows a 64-bit count") }
            size = product
        }
        guard let raw = fields[4].byteValue, raw.count == size
        else { throw bad("'data' holds a different number of bytes than its shape \(shape) needs") }
        return (shape, raw)
    }

    private static func checkLabel(_ label: Int, index: Int, path: String) throws(DataError) {
        guard (0..<10).contains(label) else { throw .malformedFile(path: path, detail: "image \(index) has label \(label), not 0–9") }
    }
}
