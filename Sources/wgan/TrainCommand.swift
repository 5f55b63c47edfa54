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

            Ctrl-C, SIGTERM and SIGHUP finish the current step, write a checkpoint and exit with status \
            130, 143 and 129; \
            `wgan train --resume DIR` then continues exactly where it stopped (bit for bit the same as an \
            uninterrupted run on the same machine with the same --threads). A loss that becomes NaN or \
            infinite stops training with status 1 and keeps the last good checkpoint; any other error \
            is one line on standard error and status 1.

            Under `mpirun -np N` (or with --distributed) the N processes train one model: each takes its \
            share of every global batch of --batch-size images, their gradients are summed before each \
            update and BatchNorm uses the whole batch's statistics, so they train what one process would. \
            Rank 0 alone writes the run folder and prints; give each rank --threads (the host's cores over \
            its ranks). A stop on any rank stops all of them at the same step; the checkpoints resume \
            with or without MPI.

            SETTINGS (each --name value or --name=value; a resumed run accepts only \
            \(TrainingSetting.all.filter(\.mayChangeOnResume).map(\.flag).joined(separator: ", "))):
            \(TrainingSetting.all.map(settingHelp).joined(separator: "\n"))
            """)

    /// A setting's lines in the help: its flag, then its help wrapped and indented by hand (the
    /// help printer wraps long lines at the margin, losing the indent).
    private static func settingHelp(_ setting: TrainingSetting) -> String {
        var lines = ["  \(setting.flag) <\(setting.name)>"], line = ""
        for word in setting.help.split(separator: " ") {
            if !line.isEmpty && line.count + word.count + 1 > 70 {
                lines.append("        " + line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return (lines + ["        " + line]).joined(separator: "\n")
    }

    @Option(help: ArgumentHelp("Run folder for a new run (default runs/<timestamp>).", valueName: "dir"))
    var out: String?
    @Option(help: ArgumentHelp("Continue the run in this folder with its own settings (see SETTINGS for those that may change).", valueName: "dir"))
    var resume: String?

    @Flag(help: "Train as one rank of several under mpirun (implied by an mpirun launch of more than one process).")
    var distributed = false
    /// For measuring what SyncBatchNorm is for: each rank normalises with its own rows' statistics.
    @Flag(name: .customLong("unsynchronised-batch-norm"), help: .hidden)
    var unsynchronisedBatchNorm = false

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Training settings: see SETTINGS above.", valueName: "--setting value"))
    var settings: [String] = []

    /// The training settings given, read against `TrainingSetting.all` (`--name value` or `--name=value`).
    func options() throws(TrainingError) -> TrainingOptions {
        var options = TrainingOptions()
        var remaining = settings[...]
        while let word = remaining.popFirst() {
            guard word.hasPrefix("--"), word.count > 2 else { throw .invalidSetting("unexpected argument '\(word)'") }
            let flag = word.dropFirst(2)
            let (name, inline) = flag.firstIndex(of: "=").map { (String(flag[..<$0]), String(flag[flag.index(after: $0)...])) }
                ?? (String(flag), nil)
            guard let setting = TrainingSetting.named(name) else { throw .invalidSetting("unknown option '--\(name)'") }
            // A switch given alone (the next word another flag, or none) is turned on.
            let next = inline ?? (setting.isSwitch && remaining.first.map({ $0.hasPrefix("--") || Bool(argument: $0) == nil }) != false
                                  ? "true" : remaining.popFirst())
            guard let value = next else { throw .invalidSetting("missing value for '--\(name)'") }
            var argument = value
            // Absolute, so that the saved settings still find the data when resumed from elsewhere.
            if name == "data-dir" { argument = URL(fileURLWithPath: value).standardizedFileURL.path }
            try options.set(name, argument: argument)
        }
        return options
    }

    /// Progress on standard error, lines on standard output.
    var console: TrainingSession.Console {
        TrainingSession.Console(
            reporter: ProgressReporter(style: isatty(STDERR_FILENO) != 0 ? .terminal : .plain,
                                       write: writeToStandardError, now: ProgressReporter.monotonicSeconds,
                                       columns: ProgressReporter.terminalColumns(of: STDERR_FILENO)),
            info: printLine, now: ProgressReporter.monotonicSeconds)
    }

    func run() throws {
        if distributed || DistributedLaunch.isLaunchedByMPI() { return try runDistributed() }
        try reportingFailures {
            let console = self.console
            let trainer: Trainer
            if let resume {
                guard out == nil else { throw ValidationError("--out cannot be used with --resume: the run continues in \(resume)") }
                trainer = try TrainingSession.resume(URL(fileURLWithPath: resume), options: try options(), console: console)
            } else {
                trainer = try TrainingSession.start(options: try options(), out: out.map { URL(fileURLWithPath: $0) }, console: console)
            }
            do {
                try train(trainer)
            } catch {
                console.reporter.finish()  // the error starts a line of its own, not the bar's
                throw error
            }
        }
    }

    func train(_ trainer: Trainer, stopRequested: @escaping () -> Bool = { InterruptSignal.isRequested }) throws {
        let folder = trainer.run.url.path
        let length = trainer.config.iterations.map { "\($0) iterations" } ?? "\(trainer.config.epochs) epochs"
        if trainer.isFinished {
            let done = trainer.config.iterations == nil ? "\(trainer.progress.epoch) of \(length)" : "\(trainer.progress.step) of \(length)"
            let flag = trainer.config.iterations == nil ? "--epochs" : "--iterations"
            printLine("nothing to train: the run is at step \(trainer.progress.step) with \(done) done; pass a larger \(flag) "
                      + "or --max-steps to continue")
            return
        }
        let start = ProgressReporter.monotonicSeconds()
        InterruptSignal.install()
        let outcome = try trainer.train(stopRequested: stopRequested)
        let seconds = String(format: "%.1f", ProgressReporter.monotonicSeconds() - start)
        let memory = ProcessMemory.peakResidentMegabytes().map { String(format: ", peak RSS %.0f MB", $0) } ?? ""
        let step = trainer.progress.step
        writeReport(afterTraining: trainer.run.url)
        switch outcome {
        case .completed:
            printLine("done: \(length), \(step) steps (\(seconds) s this session\(memory)); "
                      + "checkpoints in \(trainer.run.checkpointsURL.path)")
        case .reachedMaxSteps:
            printLine("stopped at step \(step) (--max-steps; \(seconds) s this session\(memory)); "
                      + "continue with: wgan train --resume \(folder) --max-steps N")
        case .interrupted:
            printError("wgan: interrupted (\(InterruptSignal.receivedName)) at step \(step); checkpoint written to "
                       + "\(trainer.run.checkpointsURL.path); continue with: wgan train --resume \(folder)")
            throw ExitCode(InterruptSignal.exitStatus)
        }
    }
}
