#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Files {
    /// Every temporary file of an atomic write is named `.wgan-<random>.partial`, so that one left by a
    /// killed process can be recognised and removed (`removeTemporaries(in:)`).
    static let temporaryPrefix = ".wgan-"
    static let temporarySuffix = ".partial"

    /// Replaces (or creates) the file at `path` with `bytes`; see `writeAtomically(to:_:)`.
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws(FileError) {
        try writeAtomically(to: path) { write in
            _ = bytes.withContiguousStorageIfAvailable { write(UnsafeRawBufferPointer($0)) }
                ?? Array(bytes).withUnsafeBytes(write)
        }
    }

    /// Replaces (or creates) the file at `path` with the bytes `produce` hands, piece by piece and in
    /// order, to `write`, so that a large file need not be assembled in memory first; `write` returns
    /// false once writing has failed, and ignores any later piece.
    ///
    /// A reader, or the file system after a crash, sees either the old file or the whole new one, never
    /// a mix: the bytes go to a temporary file in the same folder (a rename is atomic only within one
    /// file system), are flushed to disk, renamed over `path`, and the folder is flushed so that the
    /// rename itself survives a crash. On failure the temporary file is removed and an existing file at
    /// `path` is untouched.
    public static func writeAtomically(
        to path: String, _ produce: (_ write: (UnsafeRawBufferPointer) -> Bool) -> Void
    ) throws(FileError) {
        try commit([stage(to: path, produce)])
    }

    /// A file written and flushed under a temporary name beside its target, not yet in place:
    /// `commit` renames it over the target, `discard` removes it.
    public struct StagedFile: Sendable {
        public let path: String
        let temporary: String
        /// The folder of both, flushed once the file is in place.
        let folder: String

        /// Removes the temporary file; the target is untouched.
        public func discard() { unlink(temporary) }
    }

    /// The first half of `writeAtomically`: the whole file written and flushed under a temporary
    /// name beside `path`, so that several files can be put in place together (`commit`). On
    /// failure nothing is left behind.
    public static func stage(to path: String, _ produce: (_ write: (UnsafeRawBufferPointer) -> Bool) -> Void) throws(FileError) -> StagedFile {
        let folder = try folderOfFile(path)
        if entry(at: path) == .folder { throw .isFolder(path) }
        // Not derived from the target's name, which may already be as long as a file name can be.
        let token = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let temporary = "\(folder == "/" ? "" : folder)/\(temporaryPrefix)\(token)\(temporarySuffix)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        // The temporary file's name means nothing to the reader: name the target.
        guard descriptor >= 0 else { throw .system("write", path) }
        var failure: FileError?
        produce { piece in
            guard failure == nil else { return false }
            guard writeFully(descriptor, from: piece) else {
                failure = .system("write", path)
                return false
            }
            return true
        }
        // Without the flush a crash soon after the rename could leave an empty file under the final
        // name on file systems that delay allocation; close can report a delayed write error.
        if failure == nil, fsync(descriptor) != 0 { failure = .system("write", path) }
        if close(descriptor) != 0, failure == nil { failure = .system("write", path) }
        if let failure {
            unlink(temporary)
            throw failure
        }
        return StagedFile(path: path, temporary: temporary, folder: folder)
    }

    /// Puts staged files in place, in order, and flushes their folders. Every byte is on disk
    /// before the first rename, so a full disk or a failed write can no longer leave some files of
    /// the set new and others old: stage them all, then commit them all. A rename needs no space;
    /// should one still fail, the files not yet in place are discarded and the error names the
    /// first of them.
    public static func commit(_ files: [StagedFile]) throws(FileError) {
        var folders: [String] = []
        for (index, file) in files.enumerated() {
            guard rename(file.temporary, file.path) == 0 else {
                let failure = FileError.system("replace", file.path)
                files[index...].forEach { $0.discard() }
                throw failure
            }
            if !folders.contains(file.folder) { folders.append(file.folder) }
        }
        folders.forEach(flushFolder)
    }

    /// The folder holding the file `path`; a path that names no file is an error.
    static func folderOfFile(_ path: String) throws(FileError) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard !name.isEmpty, name != ".", name != ".." else {
            throw FileError(path: path, reason: "it does not name a file", description: "'\(path)' does not name a file")
        }
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Makes a rename in `folder` durable. Best effort: some file systems refuse to flush a folder, and
    /// the file itself is already complete and in place by then.
    static func flushFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}

/// Writes all of `buffer` (`write` may take less than it is given); false with `errno` set on failure.
func writeFully(_ descriptor: Int32, from buffer: UnsafeRawBufferPointer) -> Bool {
    var done = 0
    while done < buffer.count {
        let count = write(descriptor, buffer.baseAddress! + done, buffer.count - done)
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { return false }
        done += count
    }
    return true
}
