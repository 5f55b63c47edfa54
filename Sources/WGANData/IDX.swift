import Foundation

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
    public var dataOffset: Int { 4 + 4 * dimensions.count }

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
        precondition((1...255).contains(rank), "an IDX file has 1 to 255 dimensions")
        guard contents.count >= 4 else {
            throw .badHeader(path: path, detail: "\(contents.count) bytes, shorter than the magic number")
        }
        let expected = Self.magic(rank: rank)
        let found = Self.bigEndianWord(contents, at: 0)
        guard found == expected else { throw .badMagic(path: path, expected: expected, found: found) }
        let headerLength = 4 + 4 * rank
        guard contents.count >= headerLength else {
            throw .badHeader(path: path, detail: "\(contents.count) bytes, the header needs \(headerLength)")
        }
        var dimensions: [Int] = []
        var product = 1
        for axis in 0..<rank {
            let size = Int(Self.bigEndianWord(contents, at: 4 + 4 * axis))
            guard size > 0 else { throw .badHeader(path: path, detail: "dimension \(axis) is zero") }
            let (next, overflow) = product.multipliedReportingOverflow(by: size)
            guard !overflow else { throw .badHeader(path: path, detail: "dimensions overflow Int") }
            product = next
            dimensions.append(size)
        }
        guard contents.count - headerLength == product else {
            throw .dataLengthMismatch(path: path, expected: product, actual: contents.count - headerLength)
        }
        self.path = path
        self.dimensions = dimensions
        self.contents = contents
    }

    /// Reads the IDX file at `url`, gzipped or plain, checking it against `checksums` first when
    /// they list its name.
    static func read(at url: URL, rank: Int, checksums: SHA256Sums?) throws(DataError) -> IDXFile {
        let raw = try readBytes(at: url)
        try checksums?.verify(raw, name: url.lastPathComponent, path: url.path)
        return try IDXFile(contents: Gzip.contents(raw, path: url.path), rank: rank, path: url.path)
    }

    private static func readBytes(at url: URL) throws(DataError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
    }

    private static func bigEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}
