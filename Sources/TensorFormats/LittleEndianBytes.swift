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

/// Memory holding a safetensors entry's bytes exactly as the file stores them, which an entry keeps
/// instead of a copy: `Data` as read or given, or an array of values on a little-endian host.
protocol EntryBytes: Sendable {
    var byteCount: Int { get }
    /// Runs `body` over the bytes, which stay valid only during the call.
    func withFileBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result
}

extension Data: EntryBytes {
    var byteCount: Int { count }

    func withFileBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(body)
    }
}

#if _endian(little)
// Only here is an array's memory the file's bytes; elsewhere `entryBytes` encodes.
extension Array: EntryBytes where Element: LittleEndianElement {
    var byteCount: Int { count * MemoryLayout<Element>.stride }

    func withFileBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(body)
    }
}

/// A caller's floats, read in place; only here, where their memory is the file's bytes.
struct FloatSourceBytes<Source: SafeTensorsFloatSource>: EntryBytes {
    let source: Source

    var byteCount: Int { source.count * MemoryLayout<Float>.stride }

    func withFileBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try source.withUnsafeFloats { try body(UnsafeRawBufferPointer($0)) }
    }
}
#endif

/// Floats that an F32 entry reads where they are instead of copying them, such as a model's
/// weights, so that writing a checkpoint needs no second copy of the model.
///
/// The entry reads the elements whenever it is written, encoded, compared or read, so they must not
/// change while a `SafeTensors` value refers to them: build the value, write it, and drop it before
/// the owner changes them again.
public protocol SafeTensorsFloatSource: Sendable {
    /// The number of elements.
    var count: Int { get }
    /// Runs `body` over the elements in row-major order; the buffer is valid only during the call.
    func withUnsafeFloats<Result>(_ body: (UnsafeBufferPointer<Float>) throws -> Result) rethrows -> Result
}
