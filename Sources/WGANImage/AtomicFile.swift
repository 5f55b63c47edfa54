#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes whole files so that a reader, or the next run after a crash, finds either the previous
/// file untouched or the complete new one, never a partial write.
public enum AtomicFile {
    /// Replaces (or creates) the file at `path` with `bytes`.
    ///
    /// The bytes go to a temporary file in the same folder (so the final `rename` stays within one
    /// file system, where it is atomic), are flushed to disk, and only then take the place of
    /// `path`. On failure the temporary file is removed and any existing file is left as it was;
    /// the error is an `ImageError.fileSystem` with the system's reason. Only a process killed in
    /// the middle can leave a stray `.NAME.*.tmp` file beside the target.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let (directory, name) = try split(path)
        let separator = directory.hasSuffix("/") ? "" : "/"
        let token = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        // The name is shortened so that the temporary name stays within the file system's limit.
        let temporary = "\(directory)\(separator).\(name.prefix(100)).\(getpid()).\(token).tmp"

        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw POSIX.failure(path, "create a temporary file in \(directory)") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            try POSIX.writeAll(fd, bytes, path: path)
            // Without the flush a crash soon after the rename could leave an empty file under the
            // final name on file systems that delay allocation.
            guard fsync(fd) == 0 else { throw POSIX.failure(path, "flush to disk") }
        } catch {
            close(fd)
            throw error
        }
        // close can report a delayed write error (network file systems).
        guard close(fd) == 0 else { throw POSIX.failure(path, "close") }
        guard rename(temporary, path) == 0 else { throw POSIX.failure(path, "replace") }
        renamed = true
        POSIX.syncDirectory(directory)
    }

    /// The folder and the file name of `path`; a path without a file name is an input error.
    static func split(_ path: String) throws -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else {
            try require(!path.isEmpty, "empty file path")
            return (".", path)
        }
        let name = String(path[path.index(after: slash)...])
        try require(!name.isEmpty && name != "." && name != "..", "\(path) does not name a file")
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, name)
    }
}
