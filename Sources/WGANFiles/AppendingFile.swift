#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for appending, for logs written a line at a time; each `append` is one `write`
/// call, so a line is never interleaved with another writer's.
public final class AppendingFile {
    public let path: String
    private let descriptor: Int32

    /// Opens `path` for appending, creating it if needed.
    public init(path: String) throws(FileError) {
        if Files.entry(at: path) == .folder { throw .isFolder(path) }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .system("open", path) }
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    public func append(_ bytes: [UInt8]) throws(FileError) {
        guard bytes.withUnsafeBytes({ writeFully(descriptor, from: $0) }) else { throw .system("write", path) }
    }
}
