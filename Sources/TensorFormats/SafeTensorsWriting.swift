import Foundation
import WGANFiles

extension SafeTensors {
    /// The bytes of the safetensors file for this value.
    ///
    /// The output depends only on the tensors and metadata, not on insertion order. As in the reference
    /// implementation, tensors are laid out by dtype in reverse declaration order (U64, I64, F64, F32, …,
    /// BOOL: element sizes never grow along it), then by name in UTF-8 byte order; with the header padded
    /// with spaces to a multiple of 8 bytes, every tensor starts at a multiple of its element size. The
    /// header lists them in that same order after `__metadata__` (keys sorted, omitted when empty).
    public func encoded() -> Data {
        let layout = FileLayout(self)
        var data = Data(capacity: layout.byteCount)
        layout.emit { piece in
            data.append(contentsOf: piece)
            return true
        }
        return data
    }

    /// Writes `encoded()` to `url` atomically: a crash or failure leaves either the previous file or the
    /// complete new one, and on failure no temporary file behind.
    ///
    /// The file is streamed: each tensor's bytes go from the entry's own memory to the file, so writing
    /// needs no memory beyond the header.
    public func write(to url: URL) throws(SafeTensorsError) {
        let layout = FileLayout(self)
        try FileAccess.writeAtomically(to: url, as: SafeTensorsError.self) { write in layout.emit(write) }
    }

    /// The file written and flushed beside `url` but not yet in place, for a set of files that
    /// must change together (`Files.commit`).
    public func stage(to url: URL) throws(SafeTensorsError) -> Files.StagedFile {
        let layout = FileLayout(self)
        return try FileAccess.stage(to: url, as: SafeTensorsError.self) { write in layout.emit(write) }
    }

    /// The file's parts in order, which `encoded()` and `write(to:)` both lay out through `emit`, so
    /// that a streamed file and the encoding in memory are the same bytes.
    private struct FileLayout {
        /// The padded header, length field excluded.
        let header: [UInt8]
        let ordered: [Entry]

        init(_ tensors: SafeTensors) {
            ordered = tensors.entries.sorted { left, right in
                left.dtype == right.dtype
                    ? precedesByBytes(left.name, right.name) : left.dtype.layoutRank > right.dtype.layoutRank
            }
            var header = Array(tensors.headerJSON(for: ordered).utf8)
            header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
            self.header = header
        }

        var byteCount: Int {
            MemoryLayout<UInt64>.size + header.count + ordered.reduce(0) { $0 + $1.byteCount }
        }

        /// Hands the length field, the header, then each tensor's bytes to `write`, stopping after the
        /// first piece it refuses.
        func emit(_ write: (UnsafeRawBufferPointer) -> Bool) {
            guard withUnsafeBytes(of: UInt64(header.count).littleEndian, write),
                  header.withUnsafeBytes(write)
            else { return }
            for entry in ordered {
                guard entry.storage.withFileBytes(write) else { return }
            }
        }
    }

    private func headerJSON(for ordered: [Entry]) -> String {
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { precedesByBytes($0.key, $1.key) }
                .map { JSONWriting.quoted($0.key) + ":" + JSONWriting.quoted($0.value) }
            members.append(JSONWriting.quoted(Self.metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for entry in ordered {
            let end = offset + entry.byteCount
            let shape = entry.shape.map(String.init).joined(separator: ",")
            members.append(
                JSONWriting.quoted(entry.name)
                    + ":{\"dtype\":\"\(entry.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        return "{" + members.joined(separator: ",") + "}"
    }
}

/// The reference implementation's name order. Swift's `<` would treat canonically equivalent names
/// ("é" precomposed or not) as equal, leaving their order to the insertion order.
private func precedesByBytes(_ left: String, _ right: String) -> Bool {
    left.utf8.lexicographicallyPrecedes(right.utf8)
}
