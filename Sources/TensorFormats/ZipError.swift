/// Everything that can go wrong reading or writing a zip archive (`ZipArchive`, `ZipWriter`).
///
/// Each description is one line; the format that uses the archive (`.pth`, `.npz`) adds the file's path.
public enum ZipError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No end-of-central-directory record: not a zip archive, or one cut short before its end.
    case notZip
    /// A structure of the archive that does not fit in the file, or contradicts another.
    case malformed(String)
    /// Something valid that this reader does not handle (encryption, several disks, a method).
    case unsupported(String)
    /// An entry's data does not match the CRC-32 its header records.
    case checksumMismatch(entry: String)
    /// A compressed entry that zlib rejects, or that inflates to another size than its header says.
    case corruptData(entry: String, reason: String)
    case missingEntry(String)
    /// What the writer refuses: a name it cannot store, or a size past the plain (non-ZIP64) limits.
    case cannotEncode(String)

    public var description: String {
        switch self {
        case .notZip: "not a zip archive (no end-of-central-directory record; the file may be cut short)"
        case let .malformed(reason): "malformed zip archive: \(reason)"
        case let .unsupported(reason): "unsupported zip archive: \(reason)"
        case let .checksumMismatch(entry): "zip entry '\(entry)' fails its CRC-32 check"
        case let .corruptData(entry, reason): "zip entry '\(entry)' is corrupt: \(reason)"
        case let .missingEntry(name): "the zip archive has no entry '\(name)'"
        case let .cannotEncode(reason): "cannot write the zip archive: \(reason)"
        }
    }
}
