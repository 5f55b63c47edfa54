#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Files {
    /// Creates the folder `path` and any missing folders above it, as `mkdir -p` does.
    public static func createFolders(_ path: String) throws(FileError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o777) != 0 && errno != EEXIST { throw .system("create folder", prefix) }
            // EEXIST also covers a file in the way; say so rather than fail later with ENOTDIR.
            if entry(at: prefix) != .folder, !isFolderFollowingLinks(prefix) {
                throw FileError(path: prefix, reason: "it is a file, not a folder",
                                description: "cannot create folder \(path): \(prefix) is a file, not a folder")
            }
            prefix += "/"
        }
    }

    /// Creates the folder `path` unless something is already there; false when something is.
    public static func createNewFolder(_ path: String) throws(FileError) -> Bool {
        if mkdir(path, 0o777) == 0 { return true }
        if errno == EEXIST { return false }
        throw .system("create folder", path)
    }

    /// The names in folder `path` (without `.` and `..`), or nil when it cannot be listed.
    public static func names(in path: String) -> [String]? {
        guard let folder = opendir(path) else { return nil }
        defer { closedir(folder) }
        var names: [String] = []
        while let item = readdir(folder) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Whether `name` is the temporary file of an atomic write (see `writeAtomically`).
    public static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(temporaryPrefix) && name.hasSuffix(temporarySuffix)
    }

    /// Removes the temporary files that killed writes left in folder `path`, and returns their names.
    ///
    /// Call it only where no other process can be writing (a run folder, under its lock): a live
    /// write's temporary file looks the same.
    @discardableResult
    public static func removeTemporaries(in path: String) -> [String] {
        let stale = (names(in: path) ?? []).filter(isTemporary)
        for name in stale { unlink("\(path)/\(name)") }
        return stale
    }

    private static func isFolderFollowingLinks(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }
}
