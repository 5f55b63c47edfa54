import Foundation
import WGANFiles

/// An event file that TensorBoard reads: `events.out.tfevents.<unix seconds>.<hostname>` in a folder,
/// a TFRecord per event, the first one the file's version. Each event is appended with one `write`
/// call as it comes, so TensorBoard (which polls the folder) sees it at once; a second writer in the
/// same folder (a resumed run) starts a file of its own, and TensorBoard reads them all in name order.
public final class EventFileWriter {
    public let url: URL
    private let file: AppendingFile

    /// Creates `folder` if needed and a new event file in it, named for `wallTime` and `hostname`
    /// (with `.2`, `.3`, … after the name when a file of that name exists), beginning with the
    /// file-version event.
    public init(folder: URL, wallTime: Double, hostname: String = EventFileWriter.hostname) throws(FileError) {
        try Files.createFolders(folder.path)
        let base = Self.fileName(wallTime: wallTime, hostname: hostname)
        var name = base, suffix = 2
        while Files.entry(at: folder.appendingPathComponent(name).path) != nil {
            name = "\(base).\(suffix)"
            suffix += 1
        }
        url = folder.appendingPathComponent(name)
        file = try AppendingFile(path: url.path)
        try write(TensorBoardEvent(wallTime: wallTime, step: 0, content: .fileVersion(TensorBoardEvent.fileVersion)))
    }

    /// `events.out.tfevents.1765000000.host`: the whole seconds of `wallTime`, and the host name with
    /// any `/` replaced.
    public static func fileName(wallTime: Double, hostname: String) -> String {
        "events.out.tfevents.\(Int64(wallTime.rounded(.down))).\(hostname.replacingOccurrences(of: "/", with: "_"))"
    }

    /// This machine's name (`gethostname`), or `localhost`.
    public static var hostname: String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "localhost" }
        let text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "localhost" : text
    }

    /// Appends `event` as one record.
    public func write(_ event: TensorBoardEvent) throws(FileError) {
        try file.append(TFRecord.frame(event.encoded()))
    }

    /// Every event in the file at `url`, each record's CRCs checked.
    ///
    /// - Throws: `FileError` when it cannot be read, `ProtobufError` for a damaged record or event.
    public static func events(at url: URL) throws -> [TensorBoardEvent] {
        try TFRecord.records(in: Files.read(url.path)).map { (record) throws(ProtobufError) in try TensorBoardEvent(decoding: record) }
    }
}
