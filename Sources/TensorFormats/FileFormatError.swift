import Foundation
import WGANFiles

/// The file-level cases each format's error has, so that reading and writing files is written once.
protocol FileFormatError: Error {
    static func cannotRead(path: String, reason: String) -> Self
    static func cannotWrite(path: String, reason: String) -> Self
    /// A problem with the contents of the file at `path`.
    static func inFile(path: String, _ problem: Self) -> Self
}

/// Whole-file reads and atomic writes (see `WGANFiles.Files`), with failures as each format's error.
enum FileAccess {
    /// Reads the file at `url` and decodes it, naming the file in any error.
    static func decodeFile<Value, Failure: FileFormatError>(
        _ url: URL, _ decode: (Data) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        try decodeFileBytes(url) { bytes throws(Failure) in try decode(Data(bytes)) }
    }

    /// `decodeFile` for a decoder of byte arrays, which the pickle and zip readers index directly.
    static func decodeFileBytes<Value, Failure: FileFormatError>(
        _ url: URL, _ decode: ([UInt8]) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        let bytes: [UInt8]
        do {
            bytes = try Files.read(url.path)
        } catch {
            throw .cannotRead(path: url.path, reason: error.reason)
        }
        do {
            return try decode(bytes)
        } catch {
            throw .inFile(path: url.path, error)
        }
    }

    /// Replaces `url` with `data` atomically, with a failure reported as the format's error.
    static func writeAtomically<Failure: FileFormatError>(_ data: Data, to url: URL, as format: Failure.Type) throws(Failure) {
        try writeAtomically(to: url, as: format) { write in _ = data.withUnsafeBytes(write) }
    }

    /// `Files.stage(to:_:)`, with a failure reported as the format's error.
    static func stage<Failure: FileFormatError>(
        to url: URL, as _: Failure.Type, _ produce: (_ write: (UnsafeRawBufferPointer) -> Bool) -> Void
    ) throws(Failure) -> Files.StagedFile {
        do {
            return try Files.stage(to: url.path, produce)
        } catch {
            throw .cannotWrite(path: url.path, reason: error.reason)
        }
    }

    /// `Files.writeAtomically(to:_:)`, with a failure reported as the format's error.
    static func writeAtomically<Failure: FileFormatError>(
        to url: URL, as _: Failure.Type, _ produce: (_ write: (UnsafeRawBufferPointer) -> Bool) -> Void
    ) throws(Failure) {
        do {
            try Files.writeAtomically(to: url.path, produce)
        } catch {
            throw .cannotWrite(path: url.path, reason: error.reason)
        }
    }
}
