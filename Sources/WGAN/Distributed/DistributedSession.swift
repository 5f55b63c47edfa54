import Foundation
import TensorFormats
import WGANData
import WGANEngine
import WGANModels

/// Sets up one rank of a data-parallel run. Rank 0 starts or resumes the run exactly as a single
/// process does (it alone reads and writes the run folder), then sends its whole state — the
/// bytes of `training_state.safetensors`, settings included — to the other ranks, which build the
/// same models from it. So only rank 0's host needs the run folder, and a checkpoint of a
/// distributed run is the one a single process writes, and resumes either way.
public enum DistributedSession {
    /// This rank's trainer, joined to the others through `communicator`. Only rank 0 reads
    /// `options` (so that a bad flag is reported once). `synchronisedBatchNorm` false (for
    /// comparison only) leaves each rank's BatchNorm with its own rows' statistics.
    ///
    /// - Throws: on rank 0 the error that stopped the run's setup; on another rank its own, or
    ///   `FailureOnAnotherRank` when another rank failed (and said why).
    public static func trainer(options: () throws -> TrainingOptions, out: URL?, resume: URL?, console: TrainingSession.Console,
                               communicator: Communicator, synchronisedBatchNorm: Bool = true,
                               catalogue: ModelCatalogue = .builtIn, arguments: [String] = []) throws -> Trainer {
        try checkSameArguments(arguments, communicator)
        let trainer = communicator.rank == 0
            ? try leader(options: options, out: out, resume: resume, console: console, communicator: communicator, catalogue: catalogue)
            : try follower(console: console, communicator: communicator, catalogue: catalogue)
        try checkAll(communicator) {
            guard communicator.rank == 0 else { return }
            try DataParallel.check(trainer.config, size: communicator.size)
            // Only images end an epoch with a smaller batch; points come in whole batches.
            try DataParallel.checkBatches(items: trainer.data.images?.count ?? trainer.config.batchSize, batchSize: trainer.config.batchSize,
                                          size: communicator.size)
        }
        trainer.dataParallel = DataParallel(communicator: communicator, models: trainer.models,
                                            synchronisedBatchNorm: synchronisedBatchNorm)
        return trainer
    }

    /// Rank 0: the single-process setup, then its state to every rank (a length of −1: it failed).
    private static func leader(options: () throws -> TrainingOptions, out: URL?, resume: URL?, console: TrainingSession.Console,
                               communicator: Communicator, catalogue: ModelCatalogue) throws -> Trainer {
        let trainer: Trainer
        var state = Data()
        do {
            let options = try options()
            // Before the run folder is made.
            if resume == nil { try DataParallel.check(options.freshConfig(in: catalogue), size: communicator.size) }
            trainer = try resume.map { try TrainingSession.resume($0, options: options, console: console, catalogue: catalogue) }
                ?? TrainingSession.start(options: options, out: out, console: console, catalogue: catalogue)
            state = try TrainingStateFile.contents(config: trainer.config, models: trainer.models, progress: trainer.progress,
                                                   fixedNoise: trainer.fixedNoise, pixelChecksum: trainer.data.pixelChecksum).encoded()
        } catch {
            broadcastLength(-1, communicator)
            throw error
        }
        broadcastLength(state.count, communicator)
        state.withUnsafeMutableBytes { communicator.broadcast($0, root: 0) }
        try checkAll(communicator) {}
        return trainer
    }

    /// Any other rank: rank 0's state, on the same data (which each host must hold).
    private static func follower(console: TrainingSession.Console, communicator: Communicator, catalogue: ModelCatalogue) throws -> Trainer {
        let length = broadcastLength(0, communicator)
        guard length >= 0 else { throw FailureOnAnotherRank() }
        var state = Data(count: length)
        state.withUnsafeMutableBytes { communicator.broadcast($0, root: 0) }
        var trainer: Trainer?
        try checkAll(communicator) {
            let path = "rank 0's training state"
            let file: SafeTensors
            do { file = try SafeTensors(data: state) } catch { throw TrainingError.checkpoint(path: path, problem: "\(error)") }
            let config = try TrainingStateFile.config(in: file, path: path)
            let model = try config.model(in: catalogue)
            let data = try TrainingData.load(config, model: model)
            _ = try TrainingSession.prepareBLAS(threads: config.threads)
            let (models, saved) = try TrainingSession.restore(file, path: path, config: config, model: model, data: data) { data in
                DistributedError("the images in \(data.directory.path) differ from rank 0's (their SHA-256 differs); "
                                 + "every host needs the same data")
            }
            // Never written: rank 0 alone keeps the run folder and its log.
            trainer = Trainer(config: config, data: data, run: RunDirectory(url: URL(fileURLWithPath: "/dev/null")), models: models,
                              progress: saved.progress, fixedNoise: saved.fixedNoise,
                              log: try TrainingLog(url: URL(fileURLWithPath: "/dev/null")), reporter: console.reporter,
                              info: console.info, now: console.now, checkpointStep: saved.progress.step)
        }
        guard let trainer else { preconditionFailure("checkAll returns only when every rank succeeded") }
        return trainer
    }

    /// Throws on every rank unless every rank was given rank 0's `arguments`: only rank 0 reads
    /// them, so another rank's would otherwise be ignored without a word.
    private static func checkSameArguments(_ arguments: [String], _ communicator: Communicator) throws {
        var digest = SHA256.hash(Array(arguments.joined(separator: "\u{0}").utf8))
        let own = digest
        digest.withUnsafeMutableBytes { communicator.broadcast($0, root: 0) }
        try checkAll(communicator) {
            guard digest == own else {
                throw DistributedError("rank \(communicator.rank) was given other options than rank 0; every rank must get the same "
                                       + "command line (one `mpirun … wgan train …`)")
            }
        }
    }

    /// Rank 0's `length` on every rank.
    @discardableResult
    private static func broadcastLength(_ length: Int, _ communicator: Communicator) -> Int {
        var value = Int64(length)
        withUnsafeMutableBytes(of: &value) { communicator.broadcast($0, root: 0) }
        return Int(value)
    }

    /// Runs `body` on every rank, then tells every rank whether all of them succeeded: a rank's
    /// own failure is rethrown, another's becomes `FailureOnAnotherRank`.
    private static func checkAll(_ communicator: Communicator, _ body: () throws -> Void) throws {
        var failure: Error?
        do { try body() } catch { failure = error }
        let anyFailed = communicator.any(failure != nil)
        if let failure { throw failure }
        if anyFailed { throw FailureOnAnotherRank() }
    }
}

/// Another rank failed and reported why; this one stops without a message of its own.
public struct FailureOnAnotherRank: Error, CustomStringConvertible, Sendable {
    public var description: String { "another rank failed" }
}
