import ArgumentParser
import Foundation
import WGAN

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the seed's WGAN-GP (defaults: the seed script's settings on the vendored MNIST).",
        discussion: """
            Writes into the run folder (--out, default runs/<timestamp>): config.json, log.jsonl, \
            samples/ep{N}.png and samples/fixed_ep{N}.png after each epoch, and checkpoints/ \
            (generator.safetensors and critic.safetensors with PyTorch's state-dict names, and \
            training_state.safetensors for --resume) at the start, after each epoch and when stopping. \
            --out must name a missing or empty folder (or one where a run stopped before its first \
            checkpoint, which starts again); an existing run is continued only with --resume. One process \
            at a time uses a run folder: a second is refused, naming the first one's pid.

            Ctrl-C finishes the current step, writes a checkpoint and exits with status 130; \
            `wgan train --resume DIR` then continues exactly where it stopped (bit for bit the same as an \
            uninterrupted run on the same machine with the same --threads). A loss that becomes NaN or \
            infinite stops training with status 1 and keeps the last good checkpoint; any other error \
            is one line on standard error and status 1.
            """)

    @Option(help: "Dataset: mnist (vendored) or fashion-mnist.")
    var dataset: String?
    @Option(help: ArgumentHelp("A folder of IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]).", valueName: "dir"))
    var dataDir: String?
    @Option(parsing: .unconditional, help: "Train on the first N images only (quick runs).")
    var limit: Int?
    @Option(parsing: .unconditional, help: "Latent dimension (default 100).")
    var latentDim: Int?
    @Option(parsing: .unconditional, help: "Images per batch (default 64); the last batch of an epoch may be smaller.")
    var batchSize: Int?
    @Option(parsing: .unconditional, help: "Epochs (default 100).")
    var epochs: Int?
    @Option(parsing: .unconditional, help: "Critic's Adam learning rate (seed 4e-3, paper 1e-4).")
    var lrCritic: Double?
    @Option(parsing: .unconditional, help: "Generator's Adam learning rate (seed 1e-3, paper 1e-4).")
    var lrGenerator: Double?
    @Option(parsing: .unconditional, help: "Adam's beta1 (seed 0.9, paper 0).")
    var beta1: Double?
    @Option(parsing: .unconditional, help: "Adam's beta2 (seed 0.999, paper 0.9).")
    var beta2: Double?
    @Option(parsing: .unconditional, help: "Gradient penalty weight λ (default 10).")
    var lambda: Double?
    @Option(help: "Penalty norm: sample (the paper's per-sample gradient norm, default) or pixel (the seed's dim=1 defect).")
    var gpNorm: String?
    @Option(parsing: .unconditional, help: "Critic steps per generator step (seed 1 with the same z; paper 5, each on a fresh batch).")
    var nCritic: Int?
    @Option(help: "Defaults to start from: seed (default) or paper (Algorithm 1: Adam 1e-4, betas (0, 0.9), n-critic 5, λ 10). Flags override it.")
    var preset: String?
    @Option(parsing: .unconditional, help: "Stop after N generator steps in all (a checkpoint is written there).")
    var maxSteps: Int?
    @Option(parsing: .unconditional, help: "Random seed (default 0).")
    var seed: UInt64?
    @Option(parsing: .unconditional, help: "Threads for matrix products and parallel work (default: the machine's core count).")
    var threads: Int?
    @Option(parsing: .unconditional, help: "Also log the losses to log.jsonl every N steps.")
    var logEvery: Int?
    @Option(help: ArgumentHelp("Run folder for a new run (default runs/<timestamp>).", valueName: "dir"))
    var out: String?
    @Option(help: ArgumentHelp("Continue the run in this folder; only --epochs, --max-steps, --threads and --log-every may change.", valueName: "dir"))
    var resume: String?

    var options: TrainingOptions {
        var options = TrainingOptions()
        options.preset = preset
        options.dataset = dataset
        // Absolute, so that the saved settings still find the data when resumed from elsewhere.
        options.dataDirectory = dataDir.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        options.imageLimit = limit
        options.latentDimension = latentDim
        options.batchSize = batchSize
        options.epochs = epochs
        options.criticLearningRate = lrCritic
        options.generatorLearningRate = lrGenerator
        options.beta1 = beta1
        options.beta2 = beta2
        options.lambda = lambda
        options.penaltyNorm = gpNorm
        options.criticSteps = nCritic
        options.maxSteps = maxSteps
        options.seed = seed
        options.threads = threads
        options.logEvery = logEvery
        return options
    }

    func run() throws {
        try reportingFailures {
            let console = TrainingSession.Console(
                reporter: ProgressReporter(style: isatty(STDERR_FILENO) != 0 ? .terminal : .plain,
                                           write: writeToStandardError, now: ProgressReporter.monotonicSeconds,
                                           columns: ProgressReporter.terminalColumns(of: STDERR_FILENO)),
                info: printLine, now: ProgressReporter.monotonicSeconds)
            let trainer: Trainer
            if let resume {
                guard out == nil else { throw ValidationError("--out cannot be used with --resume: the run continues in \(resume)") }
                trainer = try TrainingSession.resume(URL(fileURLWithPath: resume), options: options, console: console)
            } else {
                trainer = try TrainingSession.start(options: options, out: out.map { URL(fileURLWithPath: $0) }, console: console)
            }
            do {
                try train(trainer)
            } catch {
                console.reporter.finish()  // the error starts a line of its own, not the bar's
                throw error
            }
        }
    }

    private func train(_ trainer: Trainer) throws {
        let folder = trainer.run.url.path
        if trainer.isFinished {
            printLine("nothing to train: the run is at step \(trainer.progress.step) with \(trainer.progress.epoch) of "
                      + "\(trainer.config.epochs) epochs done; pass a larger --epochs or --max-steps to continue")
            return
        }
        let start = ProgressReporter.monotonicSeconds()
        InterruptSignal.install()
        let outcome = try trainer.train()
        let seconds = String(format: "%.1f", ProgressReporter.monotonicSeconds() - start)
        let memory = ProcessMemory.peakResidentMegabytes().map { String(format: ", peak RSS %.0f MB", $0) } ?? ""
        let step = trainer.progress.step
        switch outcome {
        case .completed:
            printLine("done: \(trainer.config.epochs) epochs, \(step) steps (\(seconds) s this session\(memory)); "
                      + "checkpoints in \(trainer.run.checkpointsURL.path)")
        case .reachedMaxSteps:
            printLine("stopped at step \(step) (--max-steps; \(seconds) s this session\(memory)); "
                      + "continue with: wgan train --resume \(folder) --max-steps N")
        case .interrupted:
            printError("wgan: interrupted at step \(step); checkpoint written to \(trainer.run.checkpointsURL.path); "
                       + "continue with: wgan train --resume \(folder)")
            throw ExitCode(130)
        }
    }
}
