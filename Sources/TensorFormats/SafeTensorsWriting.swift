import Foundation

extension SafeTensors {
    /// The bytes of the safetensors file for this value.
    ///
    /// The output depends only on the tensors and metadata, not on insertion order. As in the reference
    /// implementation, tensors are laid out by dtype in reverse declaration order (U64, I64, F64, F32, …,
    /// BOOL: element sizes never grow along it), then by name in UTF-8 byte order; with the header padded
    /// with spaces to a multiple of 8 bytes, every tensor starts at a multiple of its element size. The
    /// header lists them in that same order after `__metadata__` (keys sorted, omitted when empty).
    public func encoded() -> Data {
        let ordered = entries.sorted { left, right in
            left.dtype == right.dtype
                ? precedesByBytes(left.name, right.name) : left.dtype.layoutRank > right.dtype.layoutRank
        }
        var header = Array(headerJSON(for: ordered).utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

        let bufferSize = ordered.reduce(0) { $0 + $1.bytes.count }
        var data = Data(capacity: MemoryLayout<UInt64>.size + header.count + bufferSize)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for entry in ordered {
            data.append(entry.bytes)
        }
        return data
    }

    /// Writes `encoded()` to `url` atomically: a crash or failure leaves either the previous file or the
    /// complete new one, and on failure no temporary file behind.
    public func write(to url: URL) throws(SafeTensorsError) {
        try FileAccess.writeAtomically(encoded(), to: url, as: SafeTensorsError.self)
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
            let end = offset + entry.bytes.count
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
