import Foundation

/// Why a file could not be read or written, as the system said it (`strerror`), for an error message.
struct FileAccessFailure: Error, Equatable {
    let reason: String

    fileprivate static func fromErrno(_ action: String) -> FileAccessFailure {
        FileAccessFailure(reason: "\(action): \(String(cString: strerror(errno)))")
    }
}

/// Whole-file reads and crash-safe writes.
///
/// Plain POSIX calls rather than `Data(contentsOf:)`/`Data.write(to:)`: on Linux Foundation's messages for
/// ordinary failures are opaque ("NSCocoaErrorDomain error 256"), and the write needs an explicit flush
/// before the rename to be safe against a crash.
enum FileAccess {
    static func contents(of url: URL) throws(FileAccessFailure) -> Data {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .fromErrno("cannot open") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .fromErrno("cannot stat") }
        var data = Data(count: Int(status.st_size))
        let filled = data.withUnsafeMutableBytes { buffer in readFully(descriptor, into: buffer) }
        guard filled >= 0 else { throw .fromErrno("cannot read") }
        // The file may have shrunk since fstat; what was read is what the file holds.
        data.count = filled
        return data
    }

    /// Replaces `url` with the bytes `produce` hands, piece by piece and in order, to `write`, so that a
    /// large file need not be assembled in memory first; `write` returns false once writing has failed,
    /// and ignores any later piece.
    ///
    /// A reader, or the file system after a crash, sees either the old file or the whole new one, never a
    /// mix: the bytes go to a temporary file in the same folder (a rename is atomic only within one file
    /// system), are flushed to disk, then renamed over `url`. On failure the temporary file is removed and
    /// an existing file at `url` is untouched.
    static func writeAtomically(
        to url: URL, _ produce: (_ write: (UnsafeRawBufferPointer) -> Bool) -> Void
    ) throws(FileAccessFailure) {
        let folder = url.deletingLastPathComponent()
        // Not derived from the target's name, which may already be as long as a file name can be.
        let temporary = folder.appendingPathComponent(".tensorformats-\(UUID().uuidString).partial")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .fromErrno("cannot create \(temporary.path)") }
        var failure: FileAccessFailure?
        produce { piece in
            guard failure == nil else { return false }
            guard writeFully(descriptor, from: piece) else {
                failure = .fromErrno("cannot write \(temporary.path)")
                return false
            }
            return true
        }
        if failure == nil, fsync(descriptor) != 0 {
            failure = .fromErrno("cannot flush \(temporary.path)")
        }
        if close(descriptor) != 0, failure == nil {
            failure = .fromErrno("cannot close \(temporary.path)")
        }
        if failure == nil, rename(temporary.path, url.path) != 0 {
            failure = .fromErrno("cannot rename \(temporary.path) to \(url.path)")
        }
        if let failure {
            unlink(temporary.path)
            throw failure
        }
        flushDirectory(folder)
    }

    /// Reads until `buffer` is full or the file ends; the byte count, or -1 with `errno` set.
    private static func readFully(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
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

    /// Writes all of `buffer` (`write` may take less than it is given); false with `errno` set on failure.
    private static func writeFully(_ descriptor: Int32, from buffer: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < buffer.count {
            let count = write(descriptor, buffer.baseAddress! + done, buffer.count - done)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            done += count
        }
        return true
    }

    /// Makes the rename itself durable. Best effort: the new file is already complete and in place, so a
    /// folder that cannot be flushed is no reason to report the write as failed.
    private static func flushDirectory(_ folder: URL) {
        let descriptor = open(folder.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
