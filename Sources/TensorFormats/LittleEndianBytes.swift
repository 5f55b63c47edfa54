import Foundation

/// A scalar stored in files as its little-endian bytes.
///
/// Both formats store little-endian data. Conversion is a bulk copy on little-endian hosts (x86-64, arm64);
/// the byte swap below only compiles in on a big-endian host, so the format stays correct there too.
protocol LittleEndianElement: BitwiseCopyable, Sendable {
    var byteSwapped: Self { get }
}

extension Int64: LittleEndianElement {}

extension Float: LittleEndianElement {
    var byteSwapped: Float { Float(bitPattern: bitPattern.byteSwapped) }
}

extension Double: LittleEndianElement {
    var byteSwapped: Double { Double(bitPattern: bitPattern.byteSwapped) }
}

/// Bulk conversion between arrays and little-endian bytes, with `memcpy`-speed copies: files hold tens of
/// megabytes, which a per-element loop through `Data` subscripts would make slow.
enum LittleEndianBytes {
    /// Decodes as many whole elements as `bytes` holds.
    static func decode<Element: LittleEndianElement>(_ bytes: UnsafeRawBufferPointer, as _: Element.Type) -> [Element] {
        let count = bytes.count / MemoryLayout<Element>.stride
        let values = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            let byteCount = count * MemoryLayout<Element>.stride
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<byteCount]))
            initialized = count
        }
        #if _endian(big)
        return values.map(\.byteSwapped)
        #else
        return values
        #endif
    }

    static func decode<Element: LittleEndianElement>(_ bytes: Data, as type: Element.Type) -> [Element] {
        bytes.withUnsafeBytes { decode($0, as: type) }
    }

    /// `values` as an entry's bytes: the array itself where its memory already is little-endian, so
    /// that nothing is copied until the file is written, and otherwise its encoding.
    static func entryBytes<Element: LittleEndianElement>(_ values: [Element]) -> any EntryBytes {
        #if _endian(big)
        return encode(values)
        #else
        return values
        #endif
    }

    static func encode<Element: LittleEndianElement>(_ values: [Element]) -> Data {
        #if _endian(big)
        let values = values.map(\.byteSwapped)
        #endif
        return values.withUnsafeBytes { Data($0) }
    }
}
