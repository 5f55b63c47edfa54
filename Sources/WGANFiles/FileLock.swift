#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a lock file, held until the lock is released or the process ends (the
/// system drops it then, even after a crash or `kill -9`, so a lock is never left stale).
///
/// The holder writes its pid into the file, so that a refused process can say who holds it.
public final class FileLock: Sendable {
    /// The lock file is held by another process.
    public struct Held: Error, Equatable, CustomStringConvertible {
        public let path: String
        /// The holder's pid, when it had written it.
        public let holder: Int32?
        public var description: String {
            "\(path) is locked by " + (holder.map { "process \($0)" } ?? "another process")
        }
    }

    public let path: String
    private let descriptor: Int32

    /// Takes the lock on `path`, creating the file if needed; never waits.
    ///
    /// - Throws: `Held` when another process (or another `FileLock` in this one) holds it, and
    ///   `FileError` when the file cannot be created.
    public init(path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError.system("create lock file", path) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno == EWOULDBLOCK ? nil : FileError.system("lock", path)
            let holder = Self.pid(in: descriptor)
            close(descriptor)
            throw failure ?? Held(path: path, holder: holder)
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 {
            _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The pid written in the lock file; nil while the holder has not written it yet.
    private static func pid(in descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 24)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer.prefix(count), as: UTF8.self).leadingDigits)
    }
}

private extension String {
    var leadingDigits: String { String(prefix { $0.isNumber }) }
}
