#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and the checks around them.
///
/// Plain POSIX calls rather than Foundation's `Data(contentsOf:)`: on Linux its messages for ordinary
/// failures are opaque ("The operation could not be completed", "error 256", "URL type isn't
/// supported"), it blocks for ever on a FIFO and reads /dev/zero until memory runs out.
public enum Files {
    /// The whole content of the regular file at `path`.
    ///
    /// - Parameter limit: the largest size accepted; a larger file is refused before it is read.
    public static func read(_ path: String, limit: Int = .max) throws(FileError) -> [UInt8] {
        try read(opened: open(path, readFlags), path: path, limit: limit)
    }

    /// The whole content of the regular file whose path is the bytes `fileSystemPath`: a name
    /// that is not valid UTF-8 has no `String` that opens it (decoding replaces the odd bytes).
    /// `shownAs` names the file in errors.
    public static func read(fileSystemPath: [UInt8], shownAs path: String, limit: Int = .max) throws(FileError) -> [UInt8] {
        guard !fileSystemPath.contains(0) else {
            throw FileError(path: path, reason: "its path holds a NUL byte", description: "cannot read \(path): its path holds a NUL byte")
        }
        let terminated = fileSystemPath.map { CChar(bitPattern: $0) } + [0]
        return try read(opened: open(terminated, readFlags), path: path, limit: limit)
    }

    /// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat can refuse it.
    private static let readFlags = O_RDONLY | O_CLOEXEC | O_NONBLOCK

    /// The content of the file `descriptor` (-1: the open failed, `errno` says why), closed after.
    private static func read(opened descriptor: Int32, path: String, limit: Int) throws(FileError) -> [UInt8] {
        guard descriptor >= 0 else { throw .system("read", path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .system("read", path) }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .isFolder(path)
        default: throw .notRegular(path)
        }
        let size = Int(status.st_size)
        guard size <= limit else {
            throw FileError(path: path, reason: "it is \(size) bytes, more than the \(limit) accepted",
                            description: "\(path) is \(size) bytes, more than the \(limit) accepted")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        let filled = bytes.withUnsafeMutableBytes { buffer in readFully(descriptor, into: buffer) }
        guard filled >= 0 else { throw .system("read", path) }
        // The file may have shrunk since fstat; what was read is what the file holds.
        bytes.removeLast(size - filled)
        return bytes
    }

    /// The size of the regular file at `path` (following a symbolic link), without reading it:
    /// for callers that can tell a wrong file from its size alone.
    public static func size(_ path: String) throws(FileError) -> Int {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .system("read", path) }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return Int(status.st_size)
        case S_IFDIR: throw .isFolder(path)
        default: throw .notRegular(path)
        }
    }

    /// What is at `path`, without following a symbolic link; nil when nothing is.
    public static func entry(at path: String) -> Entry? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        // The permission bits rather than access(2), which says yes to root for any file.
        case S_IFREG: return .file(writable: status.st_mode & 0o222 != 0)
        case S_IFDIR: return .folder
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }

    public enum Entry: Equatable, Sendable {
        /// A regular file; `writable` when any write permission bit is set.
        case file(writable: Bool)
        case folder
        case symbolicLink
        /// A device, FIFO or socket.
        case other
    }
}

/// Reads until `buffer` is full or the file ends; the byte count, or -1 with `errno` set.
func readFully(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    var filled = 0
    while filled < buffer.count {
        let count = read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
        if count < 0 && errno == EINTR { continue }
        guard count >= 0 else { return -1 }
        if count == 0 { break }
        filled += count
    }
    return filled
}
