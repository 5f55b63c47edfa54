import Foundation
import WGANFiles

/// An IDX file of unsigned bytes (the format MNIST ships in), checked and kept whole.
///
/// The header is big-endian: two zero bytes, the type code `0x08` (unsigned byte), the number
/// of dimensions, then each dimension as a 32-bit count. The elements follow in row-major order.
public struct IDXFile: Sendable {
    /// The path or name that errors about this file use.
    public let path: String
    /// The sizes of the dimensions, outermost first (items, then rows and columns for images).
    public let dimensions: [Int]
    /// The whole file, header included; the elements start at `dataOffset`, so that a 47 MB
    /// payload is not copied just to drop its header.
    public let contents: [UInt8]

    /// Where the elements start in `contents`.
    public var dataOffset: Int { Self.headerLength(rank: dimensions.count) }

    /// The number of elements, the product of the dimensions.
    public var elementCount: Int { contents.count - dataOffset }

    /// The elements, without the header.
    public var elements: ArraySlice<UInt8> { contents[dataOffset...] }

    /// The magic number of an unsigned-byte IDX file with `rank` dimensions.
    public static func magic(rank: Int) -> UInt32 {
        0x0800 | UInt32(truncatingIfNeeded: rank)
    }

    /// Parses and checks `contents`, an uncompressed IDX file of unsigned bytes.
    ///
    /// - Parameters:
    ///   - rank: the number of dimensions expected: 3 for images, 1 for labels.
    ///   - path: names the file in errors.
    /// - Throws: `DataError.badMagic`, `.badHeader` (short header, a zero dimension, a size that
    ///   overflows) or `.dataLengthMismatch` (missing or extra bytes).
    public init(contents: [UInt8], rank: Int, path: String) throws(DataError) {
        let (dimensions, elementCount) = try Self.header(contents, rank: rank, path: path)
        guard contents.count - Self.headerLength(rank: rank) == elementCount else {
            throw .dataLengthMismatch(path: path, expected: elementCount, actual: contents.count - Self.headerLength(rank: rank))
        }
        self.path = path
        self.dimensions = dimensions
        self.contents = contents
    }

    /// The most element bytes a file may declare: ten times EMNIST's largest split, and a bound on
    /// what a damaged or hostile header can make us allocate.
    public static let maximumElementCount = 1 << 30

    static func headerLength(rank: Int) -> Int { 4 + 4 * rank }

    /// The dimensions and element count that the header at the start of `bytes` declares.
    private static func header(_ bytes: [UInt8], rank: Int, path: String) throws(DataError) -> (dimensions: [Int], elementCount: Int) {
        precondition((1...255).contains(rank), "an IDX file has 1 to 255 dimensions")
        guard bytes.count >= 4 else {
            throw .badHeader(path: path, detail: "\(bytes.count) bytes, shorter than the magic number")
        }
        let expected = magic(rank: rank)
        let found = bigEndianWord(bytes, at: 0)
        guard found == expected else { throw .badMagic(path: path, expected: expected, found: found) }
        guard bytes.count >= headerLength(rank: rank) else {
            throw .badHeader(path: path, detail: "\(bytes.count) bytes, the header needs \(headerLength(rank: rank))")
        }
        var dimensions: [Int] = []
        var product = 1
        for axis in 0..<rank {
            let size = Int(bigEndianWord(bytes, at: 4 + 4 * axis))
            guard size > 0 else { throw .badHeader(path: path, detail: "dimension \(axis) is zero") }
            let (next, overflow) = product.multipliedReportingOverflow(by: size)
            guard !overflow, next <= maximumElementCount else {
                throw .badHeader(path: path, detail: "its dimensions \(dimensions + [size]) make more than the \(maximumElementCount) bytes accepted")
            }
            product = next
            dimensions.append(size)
        }
        return (dimensions, product)
    }

    /// Reads the IDX file at `url`, gzipped or plain, checking it against `checksums` first when
    /// they list its name. A gzipped file's header is inflated first, and the rest no further than
    /// the size it declares.
    static func read(at url: URL, rank: Int, checksums: SHA256Sums?) throws(DataError) -> IDXFile {
        let raw: [UInt8]
        do {
            raw = try Files.read(url.path, limit: headerLength(rank: rank) + maximumElementCount)
        } catch {
            throw .unreadable(path: url.path, reason: error.reason)
        }
        try checksums?.verify(raw, name: url.lastPathComponent, path: url.path)
        guard Gzip.isGzip(raw) else { return try IDXFile(contents: raw, rank: rank, path: url.path) }
        let start = try Gzip.decompressedPrefix(raw, count: headerLength(rank: rank), path: url.path)
        let declared = try header(start, rank: rank, path: url.path).elementCount + headerLength(rank: rank)
        return try IDXFile(contents: Gzip.decompress(raw, path: url.path, limit: declared), rank: rank, path: url.path)
    }

    private static func bigEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}
