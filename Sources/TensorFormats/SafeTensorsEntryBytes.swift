import Foundation

/// Memory holding a safetensors entry's bytes exactly as the file stores them, which an entry keeps
/// instead of a copy: `Data` as read or given, or on a little-endian host an array of values or a
/// caller's floats (`SafeTensorsFloatSource`). Checkpoints hold tens of megabytes of tensors, which
/// thus go from where they are straight to the file.
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
