import Foundation
import WGANFiles

/// The folder of one training run and the files in it:
///
///     config.json   log.jsonl   samples/ep{N}.png   samples/fixed_ep{N}.png
///     checkpoints/generator.safetensors   checkpoints/critic.safetensors
///     checkpoints/training_state.safetensors   tensorboard/events.out.tfevents.*   .wgan.lock
///
/// A new run never writes into a folder that holds files of its own: `--out` must name a missing or
/// empty folder, or one where a run died before its first checkpoint (nothing there can be resumed,
/// so it is started again); without `--out` the run gets `runs/<timestamp>` (with `-2`, `-3`, …
/// when two runs start in the same second). Only `--resume` writes into an existing run.
///
/// A process holds an exclusive lock on `.wgan.lock` for as long as it uses the folder, so that two
/// processes never write into one run.
public struct RunDirectory: Sendable {
    public let url: URL
    /// Held until the run (every copy of this value) is released, or the process ends.
    private let lock: FileLock?

    public var configURL: URL { url.appendingPathComponent("config.json") }
    public var logURL: URL { url.appendingPathComponent("log.jsonl") }
    public var samplesURL: URL { url.appendingPathComponent("samples", isDirectory: true) }
    public var checkpointsURL: URL { url.appendingPathComponent("checkpoints", isDirectory: true) }
    public var generatorURL: URL { checkpointsURL.appendingPathComponent("generator.safetensors") }
    public var criticURL: URL { checkpointsURL.appendingPathComponent("critic.safetensors") }
    public var trainingStateURL: URL { checkpointsURL.appendingPathComponent("training_state.safetensors") }
    /// `--tensorboard`'s event files, one per session.
    public var tensorboardURL: URL { url.appendingPathComponent("tensorboard", isDirectory: true) }
    static let lockName = ".wgan.lock"

    /// The grid of the epoch's last batch.
    public func sampleURL(epoch: Int) -> URL { samplesURL.appendingPathComponent("ep\(epoch).png") }
    /// The grid of the run's fixed noise.
    public func fixedSampleURL(epoch: Int) -> URL { samplesURL.appendingPathComponent("fixed_ep\(epoch).png") }
    /// The grids drawn when a run stops inside an epoch, at generator step `step`.
    public func sampleURL(epoch: Int, stoppedAt step: Int) -> URL { samplesURL.appendingPathComponent("ep\(epoch)_step\(step).png") }
    public func fixedSampleURL(epoch: Int, stoppedAt step: Int) -> URL {
        samplesURL.appendingPathComponent("fixed_ep\(epoch)_step\(step).png")
    }
    /// A toy run's frame after generator iteration `step`.
    public func frameURL(step: Int) -> URL { samplesURL.appendingPathComponent(String(format: "frame_%06d.png", step)) }
    /// `--diagnostics`: the critic's weight histogram after an epoch (or where a run stopped inside it).
    public func weightHistogramURL(epoch: Int, stoppedAt step: Int? = nil) -> URL {
        samplesURL.appendingPathComponent("weights_ep\(epoch)" + (step.map { "_step\($0)" } ?? "") + ".png")
    }
    /// A toy run's last frame.
    public var figureURL: URL { url.appendingPathComponent("figure.png") }

    /// The folder's paths, without taking its lock (for reading a finished run).
    public init(url: URL) {
        self.url = url
        lock = nil
    }

    private init(locking url: URL) throws(TrainingError) {
        self.url = url
        do {
            lock = try FileLock(path: url.appendingPathComponent(Self.lockName).path)
        } catch let held as FileLock.Held {
            let holder = held.holder.map { "process \($0)" } ?? "another process"
            throw .runDirectory("\(url.path) is in use by \(holder); wait for it to finish, or choose another folder")
        } catch {
            throw .runDirectory("\(error)")
        }
    }

    /// Creates the folder for a new run, and locks it: `requested` if given (missing, empty, or
    /// holding a run that died before its first checkpoint), otherwise `<parent>/<timestamp>`.
    public static func createNew(at requested: URL?, parent: URL = URL(fileURLWithPath: "runs"),
                                 startedAt date: Date = Date()) throws(TrainingError) -> RunDirectory {
        let run: RunDirectory
        if let requested {
            // Checked before anything is written, and again under the lock: another process may
            // have started a run there in between.
            try RunDirectory(url: requested).refuseUnlessNew()
            try createFolders(requested)
            run = try RunDirectory(locking: requested)
            try run.refuseUnlessNew()
            // A log (or TensorBoard events) of an unfinished start would otherwise begin the new run's.
            unlink(run.logURL.path)
            for name in Self.ownNames(in: run.tensorboardURL) { unlink(run.tensorboardURL.appendingPathComponent(name).path) }
        } else {
            try createFolders(parent)
            let stamp = timestamp(date)
            var candidate = parent.appendingPathComponent(stamp, isDirectory: true)
            var suffix = 2
            // mkdir fails on an existing folder, so two runs starting at once cannot both take one.
            while !(try createdNewFolder(candidate)) {
                candidate = parent.appendingPathComponent("\(stamp)-\(suffix)", isDirectory: true)
                suffix += 1
            }
            run = try RunDirectory(locking: candidate)
        }
        try run.prepareFolders()
        return run
    }

    /// An existing run to resume, locked, which must hold `checkpoints/training_state.safetensors`.
    public static func existing(_ url: URL) throws(TrainingError) -> RunDirectory {
        guard Files.entry(at: url.path) == .folder || Files.entry(at: url.path) == .symbolicLink else {
            throw .runDirectory("cannot resume \(url.path): it does not exist")
        }
        // Checked before the lock is taken, so that a folder that is no run is left without a lock file.
        let unlocked = RunDirectory(url: url)
        guard FileManager.default.fileExists(atPath: unlocked.trainingStateURL.path) else {
            if unlocked.isUnfinishedStart {
                throw .runDirectory("cannot resume \(url.path): the run stopped before its first checkpoint; "
                                    + "start it again with --out \(url.path)")
            }
            throw .runDirectory("cannot resume \(url.path): it has no checkpoints/training_state.safetensors")
        }
        let run = try RunDirectory(locking: url)
        try run.prepareFolders()
        return run
    }

    /// Refuses a folder that holds anything but the leftovers of a run that died before its first
    /// checkpoint.
    private func refuseUnlessNew() throws(TrainingError) {
        let entry = Files.entry(at: url.path)
        guard entry != nil else { return }
        guard entry == .folder || entry == .symbolicLink else {
            throw .runDirectory("\(url.path) is a file, not a folder; choose another --out")
        }
        if FileManager.default.fileExists(atPath: trainingStateURL.path) {
            throw .runDirectory("\(url.path) already holds a run; pass --resume \(url.path) to continue it, or choose another --out")
        }
        guard isUnfinishedStart else {
            throw .runDirectory("\(url.path) already exists and is not an empty folder; choose another --out")
        }
    }

    /// Whether the folder holds only what a run writes before its first checkpoint: a `config.json`
    /// that wgan wrote, a log, TensorBoard event files, empty `samples` and partial `checkpoints` (or
    /// nothing at all); a `report.html` of those files is no run either.
    private var isUnfinishedStart: Bool {
        let names = Self.ownNames(in: url)
        let allowed: Set = ["config.json", "log.jsonl", "samples", "checkpoints", "report.html", "tensorboard"]
        guard Set(names).isSubset(of: allowed) else { return false }
        guard Self.ownNames(in: tensorboardURL).allSatisfy({ $0.hasPrefix("events.out.tfevents.") }) else { return false }
        if names.contains("config.json"), RunRecord.read(from: configURL) == nil { return false }
        let checkpoints = Set(["generator.safetensors", "critic.safetensors"])
        return Self.ownNames(in: samplesURL).isEmpty && Set(Self.ownNames(in: checkpointsURL)).isSubset(of: checkpoints)
    }

    /// The names in `folder` other than the lock and the temporary files of interrupted writes.
    private static func ownNames(in folder: URL) -> [String] {
        (Files.names(in: folder.path) ?? []).filter { $0 != lockName && !Files.isTemporary($0) }
    }

    /// Creates `samples` and `checkpoints`, and removes what killed writes left (the lock guarantees
    /// that no write of another process is under way).
    private func prepareFolders() throws(TrainingError) {
        for folder in [url, samplesURL, checkpointsURL] {
            try Self.createFolders(folder)
            Files.removeTemporaries(in: folder.path)
        }
    }

    private static func createFolders(_ folder: URL) throws(TrainingError) {
        do {
            try Files.createFolders(folder.path)
        } catch {
            throw .runDirectory(error.description)
        }
    }

    private static func createdNewFolder(_ folder: URL) throws(TrainingError) -> Bool {
        do {
            return try Files.createNewFolder(folder.path)
        } catch {
            throw .runDirectory(error.description)
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
