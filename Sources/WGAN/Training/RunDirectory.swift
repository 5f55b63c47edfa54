import Foundation

/// The folder of one training run and the files in it:
///
///     config.json   log.jsonl   samples/ep{N}.png   samples/fixed_ep{N}.png
///     checkpoints/generator.safetensors   checkpoints/critic.safetensors
///     checkpoints/training_state.safetensors
///
/// A new run never writes into a folder that already holds files: `--out` must name a missing or
/// empty folder, and without `--out` the run gets `runs/<timestamp>` (with `-2`, `-3`, … when
/// two runs start in the same second). Only `--resume` writes into an existing run.
public struct RunDirectory: Sendable {
    public let url: URL

    public var configURL: URL { url.appendingPathComponent("config.json") }
    public var logURL: URL { url.appendingPathComponent("log.jsonl") }
    public var samplesURL: URL { url.appendingPathComponent("samples", isDirectory: true) }
    public var checkpointsURL: URL { url.appendingPathComponent("checkpoints", isDirectory: true) }
    public var generatorURL: URL { checkpointsURL.appendingPathComponent("generator.safetensors") }
    public var criticURL: URL { checkpointsURL.appendingPathComponent("critic.safetensors") }
    public var trainingStateURL: URL { checkpointsURL.appendingPathComponent("training_state.safetensors") }

    /// The grid of the epoch's last batch.
    public func sampleURL(epoch: Int) -> URL { samplesURL.appendingPathComponent("ep\(epoch).png") }
    /// The grid of the run's fixed noise.
    public func fixedSampleURL(epoch: Int) -> URL { samplesURL.appendingPathComponent("fixed_ep\(epoch).png") }
    /// The grids drawn when a run stops inside an epoch, at generator step `step`.
    public func sampleURL(epoch: Int, stoppedAt step: Int) -> URL { samplesURL.appendingPathComponent("ep\(epoch)_step\(step).png") }
    public func fixedSampleURL(epoch: Int, stoppedAt step: Int) -> URL {
        samplesURL.appendingPathComponent("fixed_ep\(epoch)_step\(step).png")
    }

    public init(url: URL) { self.url = url }

    /// Creates the folder for a new run: `requested` if given (it must be missing or empty),
    /// otherwise `<parent>/<timestamp>`.
    public static func createNew(at requested: URL?, parent: URL = URL(fileURLWithPath: "runs"),
                                 startedAt date: Date = Date()) throws(TrainingError) -> RunDirectory {
        let fileManager = FileManager.default
        let chosen: URL
        if let requested {
            let contents = try? fileManager.contentsOfDirectory(atPath: requested.path)
            if fileManager.fileExists(atPath: requested.path), contents?.isEmpty != true {
                throw .runDirectory("\(requested.path) already exists and is not an empty folder; "
                                    + "pass --resume \(requested.path) to continue that run, or choose another --out")
            }
            chosen = requested
        } else {
            let stamp = timestamp(date)
            var candidate = parent.appendingPathComponent(stamp, isDirectory: true)
            var suffix = 2
            while fileManager.fileExists(atPath: candidate.path) {
                candidate = parent.appendingPathComponent("\(stamp)-\(suffix)", isDirectory: true)
                suffix += 1
            }
            chosen = candidate
        }
        let run = RunDirectory(url: chosen)
        try run.createFolders()
        return run
    }

    /// An existing run to resume, which must hold `checkpoints/training_state.safetensors`.
    public static func existing(_ url: URL) throws(TrainingError) -> RunDirectory {
        let run = RunDirectory(url: url)
        guard FileManager.default.fileExists(atPath: run.trainingStateURL.path) else {
            let what = FileManager.default.fileExists(atPath: url.path) ? "has no checkpoints/training_state.safetensors" : "does not exist"
            throw .runDirectory("cannot resume \(url.path): it \(what)")
        }
        try run.createFolders()
        return run
    }

    private func createFolders() throws(TrainingError) {
        for folder in [url, samplesURL, checkpointsURL] {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw .runDirectory("cannot create \(folder.path): \(posixReason(error))")
            }
        }
    }

    /// `20261129-160102` for 29 November 2026, 16:01:02 local time.
    public static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }
}

/// The system's reason for a Foundation file error, rather than Foundation's generic sentence.
func posixReason(_ error: Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    return oneLineDescription(of: error)
}
