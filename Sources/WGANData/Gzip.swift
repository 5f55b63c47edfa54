import CZlib

/// Whole-buffer gzip decompression with zlib.
public enum Gzip {
    /// Whether `bytes` start with the gzip magic number `1f 8b`.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// `bytes` decompressed when they are gzip, otherwise unchanged, so plain files read the same way.
    ///
    /// - Parameter path: names the file in errors.
    public static func contents(_ bytes: [UInt8], path: String) throws(DataError) -> [UInt8] {
        isGzip(bytes) ? try decompress(bytes, path: path) : bytes
    }

    /// Decompresses a complete gzip file: one member or several concatenated, as `gzip -d` does.
    ///
    /// zlib checks each member's CRC-32 and length. Zero bytes after the last member are
    /// tolerated (tape padding), anything else there is an error.
    ///
    /// - Parameters:
    ///   - path: names the file in errors.
    ///   - limit: the most bytes the output may have; inflating stops as soon as it would pass it,
    ///     so that a small file that expands enormously (a "gzip bomb") costs no more memory.
    /// - Throws: `DataError.truncatedGzip` when the input ends inside a member,
    ///   `DataError.corruptGzip` when zlib rejects the data, `DataError.decompressesBeyond` past `limit`.
    public static func decompress(_ input: [UInt8], path: String, limit: Int = .max) throws(DataError) -> [UInt8] {
        let (output, ended) = try inflate(input, path: path, upTo: limit)
        guard ended else { throw .decompressesBeyond(path: path, limit: limit) }
        return output
    }

    /// The first `count` bytes (fewer when the data is shorter) of a gzip file, inflating no further.
    public static func decompressedPrefix(_ input: [UInt8], count: Int, path: String) throws(DataError) -> [UInt8] {
        Array(try inflate(input, path: path, upTo: count).output.prefix(count))
    }

    /// Inflates `input` until it ends or the output passes `limit` bytes; the output (at most
    /// `limit + 1` bytes) and whether the data ended.
    private static func inflate(_ input: [UInt8], path: String, upTo limit: Int) throws(DataError) -> (output: [UInt8], ended: Bool) {
        guard !input.isEmpty else { throw .truncatedGzip(path: path) }
        var stream = z_stream()
        // 15 + 32: the largest window, and let zlib detect a gzip or zlib header itself.
        let initStatus = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { throw .zlibFailure(path: path, code: initStatus) }
        defer { inflateEnd(&stream) }

        // One byte past the limit shows that the data goes on beyond it.
        let most = limit == .max ? limit : limit + 1
        var output = [UInt8](repeating: 0, count: min(initialCapacity(for: input), most))
        var produced = 0
        var consumed = 0
        while true {
            if produced == output.count {
                if produced == most { return (output, false) }
                output.append(contentsOf: repeatElement(0, count: min(output.count, most - output.count)))
            }
            // avail_in and avail_out are 32-bit, so feed buffers over 4 GiB in pieces.
            let offered = min(input.count - consumed, Int(UInt32.max))
            let room = min(output.count - produced, Int(UInt32.max))
            let status = input.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress! + consumed)
                    stream.avail_in = uInt(offered)
                    stream.next_out = target.baseAddress! + produced
                    stream.avail_out = uInt(room)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
            }
            consumed += offered - Int(stream.avail_in)
            produced += room - Int(stream.avail_out)

            switch status {
            case Z_STREAM_END:
                let rest = input[consumed...]
                if rest.allSatisfy({ $0 == 0 }) {
                    output.removeLast(output.count - produced)
                    return (output, produced <= limit)
                }
                guard rest.starts(with: [0x1f, 0x8b]) else {
                    throw .corruptGzip(path: path, detail: "\(rest.count) bytes of trailing data")
                }
                inflateReset(&stream)
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress was possible: with input left, only the output was full.
                if consumed == input.count { throw .truncatedGzip(path: path) }
                // Input left and output room too would loop for ever; zlib promises it cannot happen.
                if produced < output.count { throw .corruptGzip(path: path, detail: "inflate made no progress") }
            case Z_DATA_ERROR, Z_NEED_DICT:
                throw .corruptGzip(path: path, detail: stream.msg.map { String(cString: $0) } ?? "invalid data")
            default:
                throw .zlibFailure(path: path, code: status)
            }
        }
    }

    /// The output size to start from: the trailer's ISIZE (the last member's length mod 2³²),
    /// bounded by deflate's best ratio (about 1032:1) and 256 MiB, so that a damaged trailer
    /// cannot make us allocate gigabytes before inflate notices.
    private static func initialCapacity(for input: [UInt8]) -> Int {
        guard input.count >= 18 else { return 4096 }
        let tail = input.count - 4
        let isize = Int(input[tail]) | Int(input[tail + 1]) << 8 | Int(input[tail + 2]) << 16
            | Int(input[tail + 3]) << 24
        return max(4096, min(isize, input.count * 1032, 1 << 28))
    }
}
