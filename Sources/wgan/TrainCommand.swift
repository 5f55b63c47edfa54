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
            training_state.safetensors for --resume) at the start, after each epoch and when stopping, \
            and tensorboard/ (TensorBoard's event files; --no-tensorboard for none). \
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

    /// The training settings given, read against `TrainingSetting.all`.
    func options() throws(TrainingError) -> TrainingOptions { try TrainingOptions(arguments: settings) }

    func run() throws {
        if distributed || DistributedLaunch.isLaunchedByMPI() { return try runDistributed() }
        try reportingFailures {
            let trainer: Trainer
            if let resume {
                guard out == nil else { throw ValidationError("--out cannot be used with --resume: the run continues in \(resume)") }
                trainer = try TrainingSession.resume(URL(fileURLWithPath: resume), options: try options(), console: .standard)
            } else {
                trainer = try TrainingSession.start(options: try options(), out: out.map { URL(fileURLWithPath: $0) }, console: .standard)
            }
            try train(trainer, console: .standard)
        }
    }

    /// `TrainingRun`'s training to the end; an interrupted run exits with its signal's status.
    func train(_ trainer: Trainer, console: TrainingSession.Console,
               stopRequested: @escaping () -> Bool = { InterruptSignal.isRequested }) throws {
        guard try TrainingRun.run(trainer, console: console, stopRequested: stopRequested) == .interrupted else { return }
        printError("wgan: interrupted (\(InterruptSignal.receivedName)) at step \(trainer.progress.step); checkpoint written to "
                   + "\(trainer.run.checkpointsURL.path); continue with: wgan train --resume \(trainer.run.url.path)")
        throw ExitCode(InterruptSignal.exitStatus)
    }
}
