#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file or folder could not be read, written or created, as one plain sentence.
///
/// `reason` fits after "cannot read PATH: " in a caller's own message ("No such file or directory",
/// "it is a folder, not a file"); `description` is the whole sentence, path included.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public let description: String

    public init(path: String, reason: String, description: String) {
        self.path = path
        self.reason = reason
        self.description = description
    }

    /// "cannot `action` `path`: `strerror(errno)`", reading `errno` at once, before cleanup can change it.
    static func system(_ action: String, _ path: String) -> FileError {
        let reason = String(cString: strerror(errno))
        return FileError(path: path, reason: reason, description: "cannot \(action) \(path): \(reason)")
    }

    static func isFolder(_ path: String) -> FileError {
        FileError(path: path, reason: "it is a folder, not a file", description: "\(path) is a folder, not a file")
    }

    static func notRegular(_ path: String) -> FileError {
        FileError(path: path, reason: "it is not a regular file", description: "\(path) is not a regular file")
    }
}
