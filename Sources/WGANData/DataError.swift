/// Everything that can go wrong while finding, reading, checking or batching a dataset.
///
/// Each case carries the path of the file it is about, so that its one-line `description` can be
/// shown to a person as it is.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The folder that should hold the dataset does not exist.
    case directoryNotFound(path: String)
    /// The folder exists but holds neither `name` nor `name.gz`.
    case fileNotFound(directory: String, name: String)
    /// A dataset of two versions (CIFAR-10's binary and Python ones) has neither `binaryName` nor
    /// `pythonName` in `directory` or the tarballs' `subfolders` inside it. Not `fileNotFound`,
    /// whose `.gz` alternative does not apply.
    case versionedFileNotFound(directory: String, binaryName: String, pythonName: String, subfolders: [String])
    /// The training batches have a gap: `missing` are absent though `later` ones after them are
    /// there, so reading up to the first missing one would drop those silently.
    case missingBatches(directory: String, missing: [String], later: [String])
    /// A catalogued dataset is not at its default location.
    case datasetNotInstalled(dataset: String, directory: String, remedy: String)
    /// The file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// The gzip stream ends before its last block and trailer.
    case truncatedGzip(path: String)
    /// zlib rejected the gzip data (bad header, bad block, CRC or length mismatch, trailing junk).
    case corruptGzip(path: String, detail: String)
    /// The gzip data inflates to more than the size expected of it (its IDX header's).
    case decompressesBeyond(path: String, limit: Int)
    /// zlib itself failed (out of memory, version mismatch), not the data.
    case zlibFailure(path: String, code: Int32)
    /// The IDX magic number is not the one for unsigned bytes with the expected number of dimensions.
    case badMagic(path: String, expected: UInt32, found: UInt32)
    /// The IDX header is cut short or its dimensions are zero or too large.
    case badHeader(path: String, detail: String)
    /// The IDX payload is shorter or longer than the product of its dimensions.
    case dataLengthMismatch(path: String, expected: Int, actual: Int)
    /// A `SHA256SUMS` line is not in `sha256sum` format.
    case malformedChecksumLine(path: String, line: Int)
    /// A file's SHA-256 digest differs from the one listed in `SHA256SUMS`.
    case checksumMismatch(path: String, expected: String, actual: String)
    /// A dataset file is not in the format its name promises (CIFAR-10's records or pickles).
    case malformedFile(path: String, detail: String)
    /// A file with an official dataset file's name and size has another MD5 than the published one.
    case officialChecksumMismatch(path: String, expected: String, actual: String)
    /// An image folder holds no image this tool can read.
    case noImages(directory: String, detail: String)
    /// An image in a folder could not be decoded (with `--strict`).
    case undecodableImage(path: String, reason: String)
    /// The image and label files of one split hold different numbers of items.
    case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
    /// Batches need at least one item each.
    case invalidBatchSize(Int)
    /// The order handed to the batcher is not a permutation of `0..<count`.
    case invalidPermutation(detail: String)
    /// An index handed to `gather` is outside the dataset.
    case indexOutOfRange(index: Int, count: Int)
    /// The caller's buffer cannot hold the gathered batch.
    case bufferTooSmall(needed: Int, available: Int)

    public var description: String {
        switch self {
        case .directoryNotFound(let path):
            return "dataset folder not found: \(path)"
        case .fileNotFound(let directory, let name):
            return "neither \(name) nor \(name).gz is in \(directory)"
        case .versionedFileNotFound(let directory, let binaryName, let pythonName, let subfolders):
            return "neither \(binaryName) (binary version) nor \(pythonName) (Python version) is in \(directory)"
                + (subfolders.isEmpty ? "" : " or its \(subfolders.joined(separator: " or ")) folder")
        case .missingBatches(let directory, let missing, let later):
            return "\(directory) lacks \(missing.joined(separator: ", ")) but holds \(later.joined(separator: ", ")) after "
                + (missing.count == 1 ? "it" : "them") + ": the training batches are read from the first without a gap, "
                + "so add the missing ones or remove the later ones"
        case .datasetNotInstalled(let dataset, let directory, let remedy):
            return "\(dataset) is not installed at \(directory): \(remedy)"
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .truncatedGzip(let path):
            return "\(path): truncated gzip stream"
        case .corruptGzip(let path, let detail):
            return "\(path): corrupt gzip data (\(detail))"
        case .decompressesBeyond(let path, let limit):
            return "\(path): decompresses to more than the \(limit) bytes its header declares"
        case .zlibFailure(let path, let code):
            return "\(path): zlib failed with code \(code)"
        case .badMagic(let path, let expected, let found):
            return "\(path): not an unsigned-byte IDX file of the expected rank "
                + "(magic \(hex32(expected)) expected, found \(hex32(found)))"
        case .badHeader(let path, let detail):
            return "\(path): bad IDX header (\(detail))"
        case .dataLengthMismatch(let path, let expected, let actual):
            let verdict = actual < expected ? "truncated" : "\(actual - expected) extra bytes"
            return "\(path): IDX data is \(actual) bytes, its dimensions need \(expected) (\(verdict))"
        case .malformedChecksumLine(let path, let line):
            return "\(path):\(line): not a sha256sum line (64 hex digits, space, file name)"
        case .checksumMismatch(let path, let expected, let actual):
            return "\(path): SHA-256 mismatch (expected \(expected), got \(actual))"
        case .malformedFile(let path, let detail):
            return "\(path): \(detail)"
        case .officialChecksumMismatch(let path, let expected, let actual):
            return "\(path): MD5 \(actual) is not the official file's \(expected) (damaged or altered)"
        case .noImages(let directory, let detail):
            return "no images in \(directory): \(detail)"
        case .undecodableImage(let path, let reason):
            return "cannot decode \(path): \(reason)"
        case .countMismatch(let images, let imageCount, let labels, let labelCount):
            return "\(images) holds \(imageCount) images but \(labels) holds \(labelCount) labels"
        case .invalidBatchSize(let size):
            return "batch size must be at least 1, got \(size)"
        case .invalidPermutation(let detail):
            return "not a permutation of the dataset's indices: \(detail)"
        case .indexOutOfRange(let index, let count):
            return "index \(index) is outside the dataset's \(count) items"
        case .bufferTooSmall(let needed, let available):
            return "batch buffer holds \(available) floats, the batch needs \(needed)"
        }
    }
}

private func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
