import Foundation
import WGANFiles

/// A decoded image folder kept on disk, so that a large set is decoded once: written
/// atomically, and trusted only when it reads back whole and for the same files.
///
/// Layout: the magic `WGANIMG1`; the key (32 bytes, SHA-256 of the folder's path, every file's
/// relative path, size and modification time, and the options); count, channels and side
/// (little-endian UInt64 each); the skipped files' count and their "path\treason" lines'
/// length and bytes; the pixels; then SHA-256 of all that. A file that fails any check is
/// ignored (and rebuilt by the caller), never trusted.
struct ImageCache {
    static let magic = Array("WGANIMG1".utf8)
    let folder: URL

    init(folder: URL) { self.folder = folder }

    /// The cache file for `key`.
    func url(for key: [UInt8]) -> URL {
        folder.appendingPathComponent("images-\(SHA256.hex(Array(key.prefix(8)))).cache")
    }

    /// What makes a folder's decoded images what they are.
    static func key(directory: URL, files: [String], options: ImageFolder.Options) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(Array("\(directory.standardizedFileURL.path)\n\(options.side)\n\(options.channels ?? 0)\n".utf8))
        for file in files {
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(file).path)
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            hasher.update(Array("\(file)\t\(size)\t\(modified)\n".utf8))
        }
        return hasher.finalize()
    }

    /// The dataset cached for `key`, or nil when there is none or it does not check out.
    func read(key: [UInt8]) -> (dataset: ImageDataset, skipped: [(path: String, reason: String)])? {
        guard let bytes = try? Files.read(url(for: key).path), bytes.count >= 8 + 32 + 5 * 8 + 32,
              Array(bytes.prefix(8)) == Self.magic, Array(bytes[8..<40]) == key,
              SHA256.hash(Array(bytes.dropLast(32))) == Array(bytes.suffix(32))
        else { return nil }
        var offset = 40
        func number() -> Int? {
            guard offset + 8 <= bytes.count - 32 else { return nil }
            var value: UInt64 = 0
            for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            offset += 8
            return value <= UInt64(Int32.max) ? Int(value) : nil
        }
        guard let count = number(), let channels = number(), let side = number(), let skippedCount = number(),
              let textLength = number(), count >= 1, channels == 1 || channels == 3, side >= 1,
              offset + textLength <= bytes.count - 32
        else { return nil }
        let text = String(decoding: bytes[offset..<offset + textLength], as: UTF8.self)
        offset += textLength
        let skipped = text.split(separator: "\n").map { line -> (path: String, reason: String) in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        guard skipped.count == skippedCount, bytes.count - 32 - offset == count * channels * side * side else { return nil }
        let dataset = ImageDataset(channels: channels, height: side, width: side, pixelBytes: bytes[offset..<bytes.count - 32],
                                   labels: [UInt8](repeating: 0, count: count))
        return (dataset, skipped)
    }

    /// Writes `dataset` for `key`, atomically; a failure only means the next run decodes again.
    func write(_ dataset: ImageDataset, skipped: [(path: String, reason: String)], key: [UInt8]) {
        func number(_ value: Int) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: UInt64(value) >> (8 * UInt64($0))) } }
        let text = Array(skipped.map { "\($0.path)\t\($0.reason.replacingOccurrences(of: "\n", with: " "))" }.joined(separator: "\n").utf8)
        var bytes = Self.magic + key + number(dataset.count) + number(dataset.channels) + number(dataset.height)
        bytes += number(skipped.count) + number(text.count) + text
        bytes += dataset.pixelBytes
        bytes += SHA256.hash(bytes)
        try? Files.createFolders(folder.path)
        try? Files.write(bytes, to: url(for: key).path)
    }
}
