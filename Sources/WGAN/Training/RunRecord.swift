import Foundation
import WGANFiles

/// `config.json`: a run's settings with what they ran on — program version, BLAS kernel,
/// dataset, and when the run started (and was resumed).
public struct RunRecord: Codable, Equatable {
    public struct Dataset: Codable, Equatable {
        public var name: String
        public var directory: String
        public var images: Int
        public var height: Int
        public var width: Int
        /// A conditional run's classes, in label order.
        public var classes: [String]?
    }

    public var version: String
    public var started: String
    /// When the run was resumed, if ever.
    public var resumed: [String]?
    public var blas: String
    public var dataset: Dataset
    public var settings: TrainingConfig

    public init(settings: TrainingConfig, data: TrainingData, blas: String, started: Date) {
        version = WGANVersion.current
        self.started = Self.isoTime(started)
        resumed = nil
        self.blas = blas
        // A toy run's points are no images: 0 of them, of 0×0.
        let images = data.images
        dataset = Dataset(name: data.name, directory: data.directory.path, images: images?.count ?? 0,
                          height: images?.height ?? 0, width: images?.width ?? 0, classes: data.classNames)
        self.settings = settings
    }

    /// The record of a resumed run: `previous` (when readable) with the new settings and time.
    public func resumed(from previous: RunRecord?, at date: Date) -> RunRecord {
        var record = self
        if let previous {
            record.started = previous.started
            record.resumed = previous.resumed
        }
        record.resumed = (record.resumed ?? []) + [Self.isoTime(date)]
        return record
    }

    public static func read(from url: URL) -> RunRecord? {
        guard let bytes = try? Files.read(url.path, limit: 1 << 20) else { return nil }
        return try? JSONDecoder().decode(RunRecord.self, from: Data(bytes))
    }

    /// Writes the record as indented JSON, atomically.
    public func write(to url: URL) throws(TrainingError) {
        do {
            var bytes = try JSONCoding.encoder(pretty: true).encode(self)
            bytes.append(UInt8(ascii: "\n"))
            try Files.write(bytes, to: url.path)
        } catch {
            throw .output(path: url.path, failure: error)
        }
    }

    /// Local time with its offset, to the second: `2026-11-29T16:01:02+01:00`.
    static func isoTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone.current
        return formatter.string(from: date)
    }
}
