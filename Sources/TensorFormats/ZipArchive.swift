import CZlib

/// A zip archive in memory, as `torch.save` (PyTorch ≥ 1.6) and `numpy.savez` write them: entries
/// found through the central directory (ZIP64 records and fields included), their data stored or
/// deflated, checked against their CRC-32.
///
/// The bytes come from an untrusted file: every offset and size is checked against the file and
/// against each other before use, so a damaged or hostile archive gives a `ZipError`, never a trap.
public struct ZipArchive: Sendable {
    /// One file of the archive, as the central directory describes it.
    public struct Entry: Equatable, Sendable {
        public let name: String
        /// 0: stored, 8: deflated; nothing else is read.
        public let method: UInt16
        public let crc32: UInt32
        public let compressedSize: Int
        public let size: Int
        /// Where the entry's data starts in the archive (past its local header).
        let dataOffset: Int
    }

    /// The entries in central-directory order; names are unique.
    public let entries: [Entry]
    private let bytes: [UInt8]
    private let indexByName: [String: Int]

    /// Reads the directory of the archive in `bytes`; entry data is only checked when read.
    public init(bytes: [UInt8]) throws(ZipError) {
        self.bytes = bytes
        entries = try Self.readDirectory(bytes)
        var index = [String: Int]()
        for (i, entry) in entries.enumerated() {
            guard index.updateValue(i, forKey: entry.name) == nil else { throw .malformed("two entries are named '\(entry.name)'") }
        }
        indexByName = index
    }

    public func entry(named name: String) -> Entry? {
        indexByName[name].map { entries[$0] }
    }

    /// The uncompressed bytes of the entry named `name`.
    public func contents(named name: String) throws(ZipError) -> [UInt8] {
        guard let entry = entry(named: name) else { throw .missingEntry(name) }
        return try contents(of: entry)
    }

    /// The uncompressed bytes of `entry`, checked against its size and CRC-32.
    public func contents(of entry: Entry) throws(ZipError) -> [UInt8] {
        // readDirectory checked this for the archive's own entries; this guards one of another archive's.
        guard entry.dataOffset >= 0, entry.compressedSize >= 0, entry.dataOffset <= bytes.count,
              entry.compressedSize <= bytes.count - entry.dataOffset
        else { throw .missingEntry(entry.name) }
        let data = bytes[entry.dataOffset..<entry.dataOffset + entry.compressedSize]
        let output: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else {
                throw .malformed("stored entry '\(entry.name)' has compressed size \(entry.compressedSize) but size \(entry.size)")
            }
            output = Array(data)
        case 8:
            output = try Self.inflateRaw(data, size: entry.size, entry: entry.name)
        default:
            throw .unsupported("entry '\(entry.name)' uses compression method \(entry.method) (stored and deflate are read)")
        }
        guard output.withUnsafeBytes(Self.crc32) == entry.crc32 else { throw .checksumMismatch(entry: entry.name) }
        return output
    }

    /// zlib's CRC-32 of `buffer` (`crc32_z` takes a length of any size).
    static func crc32(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        return UInt32(crc32_z(0, base, z_size_t(buffer.count)))
    }

    // MARK: - The directory

    private static let endRecordSize = 22, zip64LocatorSize = 20, zip64EndRecordSize = 56
    private static let centralHeaderSize = 46, localHeaderSize = 30

    private static func readDirectory(_ bytes: [UInt8]) throws(ZipError) -> [Entry] {
        let reader = FieldReader(bytes: bytes)
        let end = try findEndRecord(reader)
        var count = try reader.uint(end + 10, 2), size = try reader.uint(end + 12, 4), offset = try reader.uint(end + 16, 4)
        guard try reader.uint(end + 4, 2) == 0, try reader.uint(end + 6, 2) == 0 else { throw .unsupported("it spans several disks") }

        // ZIP64: a locator just before the end record points at a record with 64-bit fields.
        let locator = end - zip64LocatorSize
        if locator >= 0, try reader.uint(locator, 4) == 0x0706_4B50 {
            let record = try reader.uint(locator + 8, 8)
            guard record <= locator - zip64EndRecordSize, try reader.uint(record, 4) == 0x0606_4B50 else {
                throw .malformed("the ZIP64 locator points at no ZIP64 end record")
            }
            (count, size, offset) = (try reader.uint(record + 32, 8), try reader.uint(record + 40, 8), try reader.uint(record + 48, 8))
        }
        guard offset <= bytes.count, size <= bytes.count - offset else {
            throw .malformed("the central directory (\(size) bytes at \(offset)) runs past the end of the file (\(bytes.count) bytes)")
        }
        // Each header takes at least 46 bytes: a count beyond that is a lie, not a reason to reserve memory.
        guard count <= size / centralHeaderSize else { throw .malformed("\(count) entries cannot fit in a central directory of \(size) bytes") }

        var entries = [Entry]()
        entries.reserveCapacity(count)
        var position = offset
        for _ in 0..<count {
            let (entry, next) = try readCentralHeader(reader, at: position, directoryEnd: offset + size)
            entries.append(entry)
            position = next
        }
        return entries
    }

    /// The end-of-central-directory record: the last 22 bytes, unless a comment (up to 65,535 bytes) follows it.
    private static func findEndRecord(_ reader: FieldReader) throws(ZipError) -> Int {
        let count = reader.bytes.count
        guard count >= endRecordSize else { throw .notZip }
        let lowest = max(0, count - endRecordSize - Int(UInt16.max))
        for start in stride(from: count - endRecordSize, through: lowest, by: -1) {
            // The comment length must reach exactly to the end: the signature may occur inside a comment.
            if try reader.uint(start, 4) == 0x0605_4B50, start + endRecordSize + (try reader.uint(start + 20, 2)) == count {
                return start
            }
        }
        throw .notZip
    }

    /// One central-directory header at `position` and the position of the next.
    private static func readCentralHeader(_ reader: FieldReader, at position: Int, directoryEnd: Int) throws(ZipError) -> (Entry, Int) {
        guard position <= directoryEnd - centralHeaderSize, try reader.uint(position, 4) == 0x0201_4B50 else {
            throw .malformed("a central directory header at byte \(position) is missing or cut short")
        }
        let flags = try reader.uint(position + 8, 2), method = UInt16(try reader.uint(position + 10, 2))
        let crc = UInt32(try reader.uint(position + 16, 4))
        var compressedSize = try reader.uint(position + 20, 4), size = try reader.uint(position + 24, 4)
        let nameLength = try reader.uint(position + 28, 2), extraLength = try reader.uint(position + 30, 2)
        let commentLength = try reader.uint(position + 32, 2)
        var disk = try reader.uint(position + 34, 2), localOffset = try reader.uint(position + 42, 4)
        let nameStart = position + centralHeaderSize, extraStart = nameStart + nameLength
        let next = extraStart + extraLength + commentLength
        guard next <= directoryEnd else { throw .malformed("the central directory header at byte \(position) runs past the directory") }
        let name = String(decoding: reader.bytes[nameStart..<extraStart], as: UTF8.self)
        guard flags & 1 == 0 else { throw .unsupported("entry '\(name)' is encrypted") }

        // The ZIP64 extra field holds, in this order, each 32-bit field that is all ones.
        var field = extraStart
        while field + 4 <= extraStart + extraLength {
            let id = try reader.uint(field, 2), length = try reader.uint(field + 2, 2)
            let dataEnd = field + 4 + length
            guard dataEnd <= extraStart + extraLength else { throw .malformed("an extra field of entry '\(name)' runs past its header") }
            if id == 1 {
                var cursor = field + 4
                func wide(_ value: inout Int, _ width: Int, ifAllOnes allOnes: Int) throws(ZipError) {
                    guard value == allOnes else { return }
                    guard cursor + width <= dataEnd else { throw .malformed("the ZIP64 field of entry '\(name)' is too short") }
                    value = try reader.uint(cursor, width)
                    cursor += width
                }
                try wide(&size, 8, ifAllOnes: 0xFFFF_FFFF)
                try wide(&compressedSize, 8, ifAllOnes: 0xFFFF_FFFF)
                try wide(&localOffset, 8, ifAllOnes: 0xFFFF_FFFF)
                try wide(&disk, 4, ifAllOnes: 0xFFFF)
            }
            field = dataEnd
        }
        guard disk == 0 else { throw .unsupported("entry '\(name)' is on another disk") }

        // The data follows the local header, whose name and extra field may differ in length from
        // the central ones (PyTorch pads its local extra field to align the data to 64 bytes).
        let local = localOffset
        guard local <= reader.bytes.count - localHeaderSize, try reader.uint(local, 4) == 0x0403_4B50 else {
            throw .malformed("the local header of entry '\(name)' (byte \(local)) is missing or cut short")
        }
        let dataOffset = local + localHeaderSize + (try reader.uint(local + 26, 2)) + (try reader.uint(local + 28, 2))
        guard dataOffset <= reader.bytes.count, compressedSize <= reader.bytes.count - dataOffset else {
            throw .malformed("the data of entry '\(name)' (\(compressedSize) bytes at \(dataOffset)) runs past the end of the file")
        }
        let entry = Entry(name: name, method: method, crc32: crc, compressedSize: compressedSize, size: size, dataOffset: dataOffset)
        return (entry, next)
    }

    // MARK: - Deflate

    /// Inflates raw deflate data that must give exactly `size` bytes.
    private static func inflateRaw(_ input: ArraySlice<UInt8>, size: Int, entry: String) throws(ZipError) -> [UInt8] {
        // Deflate cannot expand more than about 1032:1: a larger claimed size is a lie, and
        // allocating it would let a tiny file ask for any amount of memory.
        guard size / 1032 <= input.count else { throw .corruptData(entry: entry, reason: "\(input.count) bytes cannot inflate to \(size)") }
        var stream = z_stream()
        // Negative window bits: raw deflate, as zip stores it, without a zlib header.
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corruptData(entry: entry, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        // One byte of spare room shows data that inflates past the claimed size.
        var output = [UInt8](repeating: 0, count: size + 1)
        var (consumed, produced) = (0, 0)
        var status = Z_OK
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                // avail_in and avail_out are 32-bit: feed entries over 4 GiB in pieces.
                while status == Z_OK {
                    let offered = min(source.count - consumed, Int(UInt32.max)), room = min(target.count - produced, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress.map { $0 + consumed })
                    stream.avail_in = uInt(offered)
                    stream.next_out = target.baseAddress! + produced
                    stream.avail_out = uInt(room)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    consumed += offered - Int(stream.avail_in)
                    produced += room - Int(stream.avail_out)
                }
            }
        }
        guard status == Z_STREAM_END else {
            let reason = status == Z_BUF_ERROR ? "the deflate data ends early or inflates past \(size) bytes"
                : stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw .corruptData(entry: entry, reason: reason)
        }
        guard produced == size else { throw .corruptData(entry: entry, reason: "it inflates to \(produced) bytes, not \(size)") }
        output.removeLast()
        return output
    }
}

/// Little-endian fields of an untrusted byte array, each read only after a bounds check.
private struct FieldReader {
    let bytes: [UInt8]

    /// The unsigned `width`-byte field at `offset`; one past the end, or too large for `Int`, is an error.
    func uint(_ offset: Int, _ width: Int) throws(ZipError) -> Int {
        guard offset >= 0, offset <= bytes.count - width else {
            throw .malformed("a \(width)-byte field at byte \(offset) lies past the end of the file (\(bytes.count) bytes)")
        }
        var value: UInt64 = 0
        for i in 0..<width { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        guard value <= UInt64(Int.max) else { throw .malformed("a size or offset at byte \(offset) is too large") }
        return Int(value)
    }
}
