import CZlib

/// Hand-built PNG files that the project's writer would never make.
public enum CraftedPNG {
    /// A 1-bit grey PNG of `width`×`height` black pixels, zlib-compressed: a decompression bomb,
    /// 20000×20000 pixels (400 million, 1.2 GB once expanded to RGB) in about 50 KB. Nil when zlib fails.
    public static func blankOneBit(width: Int, height: Int) -> [UInt8]? {
        // Each row: the filter byte (0, none) and the packed bits.
        let rows = [UInt8](repeating: 0, count: (1 + (width + 7) / 8) * height)
        var compressedCount = compressBound(uLong(rows.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedCount))
        guard compress2(&compressed, &compressedCount, rows, uLong(rows.count), 9) == Z_OK else { return nil }
        let header = bigEndian(width) + bigEndian(height) + [1, 0, 0, 0, 0]  // bit depth 1, grey, no interlace
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header)
            + chunk("IDAT", Array(compressed.prefix(Int(compressedCount)))) + chunk("IEND", [])
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        let crc = typed.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, uInt($0.count)) }
        return bigEndian(data.count) + typed + bigEndian(Int(crc))
    }

    private static func bigEndian(_ value: Int) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
    }
}
