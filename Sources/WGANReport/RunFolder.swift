import Foundation
import WGANFiles
import WGANImage

/// Why a report could not be made, as one plain sentence.
public struct ReportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// One run folder as a report shows it, read from its files alone (`config.json`, `log.jsonl`,
/// `samples/`, `checkpoints/`), so that any run folder can be reported on — one written by an
/// older version, or one still training. What is missing or unreadable is noted in `problems`.
struct RunFolder {
    /// A PNG of the run, checked to decode, with its size for the page's layout.
    struct Picture {
        let label: String
        /// The path inside the run folder (`samples/fixed_ep3.png`).
        let path: String
        let png: [UInt8]
        let width: Int, height: Int
    }

    let url: URL
    /// `config.json`'s object (empty when it is missing), and its `settings`.
    let record: [String: JSONValue]
    let settings: [String: JSONValue]
    let log: RunLog
    /// The fixed-noise grid of every epoch (and of an epoch a run stopped inside), in order; for
    /// long runs, some of them evenly spaced (`gridsInAll` then says how many there are).
    private(set) var grids: [Picture] = []
    private(set) var gridsInAll: Int?
    /// The last epoch's grids: its last batch and the fixed noise's.
    private(set) var finalSamples: [Picture] = []
    /// A toy run's frames (for long runs, some of them evenly spaced; `framesInAll` then says how
    /// many there are) and its last one, `figure.png`.
    private(set) var frames: [Picture] = []
    private(set) var framesInAll: Int?
    private(set) var figure: Picture?
    /// Absolute paths of the checkpoint files, with their sizes in bytes.
    private(set) var checkpoints: [(path: String, bytes: Int)] = []
    private(set) var problems: [String] = []

    static let toyDatasets: Set<String> = ["8gaussians", "25gaussians", "swissroll"]
    /// A film strip shows at most this many pictures, evenly spaced, the first and last always
    /// among them, and only as many as fit in `stripBytes` of PNG: a page stays a few tens of MB
    /// however long the run (5,000 grids would make it over 300 MB).
    static let stripLimit = 100
    static let stripBytes = 16 << 20
    /// No picture of a run is anywhere near this; a larger file is left out rather than embedded.
    static let pictureLimit = 32 << 20

    var name: String { url.lastPathComponent }
    var isToy: Bool { settings["dataset"]?.string.map(Self.toyDatasets.contains) == true }
    /// The critic's Wasserstein estimate, as this run's loss defines it.
    var wasserstein: WassersteinEstimate { WassersteinEstimate(settings: settings) }
    /// Each whole epoch's seconds.
    var epochSeconds: [(epoch: Int, seconds: Double)] {
        log.epochEntries.compactMap { entry in
            guard !entry.partial, let epoch = entry.epoch, let seconds = entry.values["seconds"] else { return nil }
            return (epoch, seconds)
        }
    }

    /// Reads the run at `url`; throws when it is no run folder at all.
    init(url: URL) throws(ReportError) {
        self.url = url.standardizedFileURL
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ReportError("cannot report on \(url.path): it does not exist")
        }
        guard isFolder.boolValue else { throw ReportError("cannot report on \(url.path): it is a file, not a run folder") }
        let configPath = url.appendingPathComponent("config.json").path, logPath = url.appendingPathComponent("log.jsonl").path
        guard Files.entry(at: configPath) != nil || Files.entry(at: logPath) != nil else {
            throw ReportError("cannot report on \(url.path): it holds neither config.json nor log.jsonl, so it is no run folder")
        }
        var problems: [String] = []
        switch Result(catching: { () throws(FileError) in try Files.read(configPath, limit: 1 << 24) }) {
        case .success(let bytes):
            record = JSONValue.parse(bytes)?.dictionary ?? [:]
            if record.isEmpty { problems.append("config.json is not a JSON object: the settings are unknown") }
        case .failure(let error):
            record = [:]
            problems.append("config.json cannot be read (\(error.reason)): the settings are unknown")
        }
        settings = record["settings"]?.dictionary ?? [:]
        switch Result(catching: { () throws(FileError) in try Files.read(logPath, limit: 1 << 30) }) {
        case .success(let bytes):
            log = RunLog(text: String(decoding: bytes, as: UTF8.self))
        case .failure(let error):
            log = RunLog(text: "")
            problems.append("log.jsonl cannot be read (\(error.reason)): there are no curves")
        }
        let unreadable = log.unreadableLines
        if !unreadable.isEmpty {
            let lines = unreadable.prefix(10).map(String.init).joined(separator: ", ") + (unreadable.count > 10 ? " and \(unreadable.count - 10) more" : "")
            problems.append(unreadable.count == 1 ? "log.jsonl: line \(lines) is not a JSON object; left out"
                            : "log.jsonl: lines \(lines) are not JSON objects; left out")
        }
        self.problems = problems
        readPictures()
        readCheckpoints()
    }

    private mutating func readPictures() {
        let samples = Files.names(in: url.appendingPathComponent("samples").path) ?? []
        if isToy {
            let steps = samples.compactMap { name in Self.number(in: name, prefix: "frame_", suffix: ".png").map { (name, $0) } }
                .sorted { $0.1 < $1.1 }
            (frames, framesInAll) = stripPictures(steps.map { ("samples/" + $0.0, "iteration \($0.1)") })
            figure = picture("figure.png", label: "the last frame")
            return
        }
        let fixed = samples.compactMap { name -> (String, Int, Int?)? in
            guard let (epoch, step) = Self.gridNumbers(name, prefix: "fixed_ep") else { return nil }
            return (name, epoch, step)
        }.sorted { ($0.1, $0.2 ?? .max) < ($1.1, $1.2 ?? .max) }
        (grids, gridsInAll) = stripPictures(fixed.map { name, epoch, step in
            ("samples/" + name, "epoch \(epoch)" + (step.map { " (stopped at step \($0))" } ?? ""))
        })
        let names = Set(samples)
        for entry in log.epochEntries {
            guard let epoch = entry.epoch else { continue }
            let name = Self.gridName(prefix: "fixed_ep", epoch: epoch, stoppedAt: entry.partial ? entry.step : nil)
            if !names.contains(name) { problems.append("samples/\(name) is missing") }
        }
        if let last = log.epochEntries.last, let epoch = last.epoch {
            let step = last.partial ? last.step : nil
            let suffix = step.map { ", stopped at step \($0)" } ?? ""
            finalSamples = [("ep", "the last batch of epoch \(epoch)\(suffix)"), ("fixed_ep", "the fixed noise after epoch \(epoch)\(suffix)")]
                .compactMap { prefix, label in
                    let name = Self.gridName(prefix: prefix, epoch: epoch, stoppedAt: step)
                    return names.contains(name) ? picture("samples/" + name, label: label) : nil
                }
        }
    }

    /// The pictures at `candidates` (paths inside the run, and labels) that a film strip shows:
    /// all of them when they fit in `stripLimit` and `stripBytes`, else as many as fit, evenly
    /// spaced, with the number of candidates; only those shown are read.
    private mutating func stripPictures(_ candidates: [(path: String, label: String)]) -> (pictures: [Picture], inAll: Int?) {
        let bytes = candidates.reduce(0) { $0 + ((try? Files.size(url.appendingPathComponent($1.path).path)) ?? 0) }
        let averageBytes = max(1, bytes / max(1, candidates.count))
        let shown = Self.evenlySpaced(candidates, limit: min(Self.stripLimit, max(2, Self.stripBytes / averageBytes)))
        return (shown.compactMap { picture($0.path, label: $0.label) }, shown.count < candidates.count ? candidates.count : nil)
    }

    /// At most `limit` (≥ 2) of `items`, evenly spaced, the first and the last among them.
    static func evenlySpaced<Item>(_ items: [Item], limit: Int) -> [Item] {
        guard items.count > limit else { return items }
        let stride = Double(items.count - 1) / Double(limit - 1)
        return (0..<limit).map { items[Int((Double($0) * stride).rounded())] }
    }

    /// The picture at `path` inside the run, or nil with a problem noted when it cannot be shown.
    private mutating func picture(_ path: String, label: String) -> Picture? {
        let full = url.appendingPathComponent(path).path
        do {
            let bytes = try Files.read(full, limit: Self.pictureLimit)
            let bitmap = try PNGReader.decode(bytes, source: path)
            return Picture(label: label, path: path, png: bytes, width: bitmap.width, height: bitmap.height)
        } catch let error as FileError {
            problems.append(Files.entry(at: full) == nil ? "\(path) is missing" : "\(path) cannot be read (\(error.reason))")
        } catch {
            problems.append("\(path) is not a readable PNG")
        }
        return nil
    }

    private mutating func readCheckpoints() {
        let folder = url.appendingPathComponent("checkpoints")
        for name in (Files.names(in: folder.path) ?? []).sorted() where !Files.isTemporary(name) {
            let path = folder.appendingPathComponent(name).path
            guard case .file = Files.entry(at: path) else { continue }
            var status = stat()
            checkpoints.append((path, stat(path, &status) == 0 ? Int(status.st_size) : 0))
        }
    }

    /// `fixed_ep3.png` or `fixed_ep3_step120.png`: the names the trainer gives its grids.
    static func gridName(prefix: String, epoch: Int, stoppedAt step: Int?) -> String {
        "\(prefix)\(epoch)" + (step.map { "_step\($0)" } ?? "") + ".png"
    }

    /// The epoch (and step) in a grid's name, or nil for another file.
    static func gridNumbers(_ name: String, prefix: String) -> (Int, Int?)? {
        guard name.hasPrefix(prefix), name.hasSuffix(".png") else { return nil }
        let parts = name.dropFirst(prefix.count).dropLast(4).split(separator: "_step", omittingEmptySubsequences: false)
        guard let epoch = parts.first.flatMap({ Int($0) }) else { return nil }
        switch parts.count {
        case 1: return (epoch, nil)
        case 2: return Int(parts[1]).map { (epoch, $0) }
        default: return nil
        }
    }

    /// The number in `prefix<digits>suffix`, or nil.
    static func number(in name: String, prefix: String, suffix: String) -> Int? {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return nil }
        let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
        return digits.allSatisfy(\.isASCII) ? Int(digits) : nil
    }
}
