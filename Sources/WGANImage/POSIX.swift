#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the file-system calls, turning `errno` into `ImageError.fileSystem`.
///
/// The system calls are used directly (not Foundation) so that every failure keeps the exact
/// `strerror` reason, and so that the atomic write controls each step (exclusive create, fsync,
/// rename).
enum POSIX {
    /// The error for the call that just failed; reads `errno` at once, before cleanup can change it.
    static func failure(_ path: String, _ operation: String) -> ImageError {
        .fileSystem(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }

    /// Writes all of `bytes` to `fd`, resuming after partial writes and interruptions.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let result = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw failure(path, "write")
                }
                written += result
            }
        }
    }

    /// The whole content of the file at `path`.
    static func readAll(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, "open for reading") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(path, "stat") }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while filled < size {
                let result = read(fd, buffer.baseAddress! + filled, size - filled)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw failure(path, "read")
                }
                if result == 0 { break }
                filled += result
            }
        }
        // The file shrank while it was read: keep what was there.
        bytes.removeLast(size - filled)
        return bytes
    }

    /// Makes a rename in `directory` durable. Best effort: some file systems refuse to sync a
    /// folder, and the file itself is already complete by then.
    static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
