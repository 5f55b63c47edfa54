import Foundation
import WGANModels
import WGANReport

/// Training a model pair into a run folder, exactly as `wgan train` does — the same settings
/// (`TrainingOptions`, the flags of `wgan train --help`), progress bar, sample grids, checkpoints,
/// resume, log and `report.html` — for `wgan`'s own models and for a Swift user's:
///
///     struct MyModel: GANModel { … }          // a generator, a critic, their shapes and presets
///     var options = TrainingOptions()
///     options.maxSteps = 200
///     let outcome = try TrainingRun.train(MyModel(), options: options, out: URL(fileURLWithPath: "runs/mine"))
///     // later: try TrainingRun.resume(URL(fileURLWithPath: "runs/mine"), model: MyModel(), options: more)
///
/// Ctrl-C, SIGTERM and SIGHUP finish the current step and write a checkpoint (`.interrupted`).
public enum TrainingRun {
    /// Trains `model` with `options` (its first preset, or the seed's settings, under the flags
    /// given) in `out` (a missing or empty folder; nil: `runs/<timestamp>`).
    ///
    /// - Throws: `TrainingError` or a file error, each with a one-line description
    ///   (`oneLineDescription(of:)`), before anything is written when the settings or data are wrong.
    @discardableResult
    public static func train(_ model: any GANModel, options: TrainingOptions, out: URL?,
                             console: TrainingSession.Console = .standard, command: String = "wgan train") throws -> TrainingOutcome {
        let trainer = try TrainingSession.start(options: Self.options(options, for: model), out: out, console: console,
                                                catalogue: ModelCatalogue.builtIn.adding(model))
        return try run(trainer, console: console, command: command)
    }

    /// `options` for a new run of `model`: the model named, and its own first preset unless
    /// another is given.
    static func options(_ options: TrainingOptions, for model: any GANModel) -> TrainingOptions {
        var options = options
        options.model = model.name
        if options.preset == nil, let own = model.presets.first { options.preset = own.name }
        return options
    }

    /// Continues the run in `folder`, which trained `model`, with the flags of `options` that a
    /// resumed run may change (how long, how fast, how often to log).
    @discardableResult
    public static func resume(_ folder: URL, model: any GANModel, options: TrainingOptions = TrainingOptions(),
                              console: TrainingSession.Console = .standard, command: String = "wgan train") throws -> TrainingOutcome {
        let trainer = try TrainingSession.resume(folder, options: options, console: console, catalogue: ModelCatalogue.builtIn.adding(model))
        return try run(trainer, console: console, command: command)
    }

    /// Trains `trainer` to its end, `--max-steps` or a stop request, then writes the run's
    /// report and says how it ended on `console`, naming `command` as the way to continue. What
    /// `wgan train` runs.
    public static func run(_ trainer: Trainer, console: TrainingSession.Console, command: String = "wgan train",
                           stopRequested: @escaping () -> Bool = { InterruptSignal.isRequested }) throws -> TrainingOutcome {
        let config = trainer.config
        let length = config.iterations.map { "\($0) iterations" } ?? "\(config.epochs) epochs"
        if trainer.isFinished {
            let done = config.iterations == nil ? "\(trainer.progress.epoch) of \(length)" : "\(trainer.progress.step) of \(length)"
            console.info("nothing to train: the run is at step \(trainer.progress.step) with \(done) done; pass a larger "
                         + "\(config.iterations == nil ? "--epochs" : "--iterations") or --max-steps to continue")
            return trainer.isComplete ? .completed : .reachedMaxSteps
        }
        let start = console.now()
        InterruptSignal.install()
        let outcome: TrainingOutcome
        do {
            outcome = try trainer.train(stopRequested: stopRequested)
        } catch {
            console.reporter.finish()  // the error starts a line of its own, not the bar's
            throw error
        }
        let seconds = String(format: "%.1f", console.now() - start)
        let memory = ProcessMemory.peakResidentMegabytes().map { String(format: ", peak RSS %.0f MB", $0) } ?? ""
        let step = trainer.progress.step, folder = trainer.run.url.path
        do {
            console.info("report: \(try RunReport.write(run: trainer.run.url).url.path)")
        } catch {
            console.warn("no report written: \(error)")
        }
        switch outcome {
        case .completed:
            console.info("done: \(length), \(step) steps (\(seconds) s this session\(memory)); "
                         + "checkpoints in \(trainer.run.checkpointsURL.path)")
        case .reachedMaxSteps:
            console.info("stopped at step \(step) (--max-steps; \(seconds) s this session\(memory)); "
                         + "continue with: \(command) --resume \(folder) --max-steps N")
        case .interrupted:
            break  // the caller says so, as it chooses the exit
        }
        return outcome
    }
}

extension TrainingSession.Console {
    /// Progress on standard error (a bar on a terminal), lines on standard output: `wgan train`'s.
    public static var standard: TrainingSession.Console {
        TrainingSession.Console(
            reporter: ProgressReporter(style: isatty(STDERR_FILENO) != 0 ? .terminal : .plain, write: writeToStandardError,
                                       now: ProgressReporter.monotonicSeconds,
                                       columns: ProgressReporter.terminalColumns(of: STDERR_FILENO)),
            info: printLine, now: ProgressReporter.monotonicSeconds)
    }
}

/// Unbuffered, as standard error is, so that progress shows at once. A failed write (standard
/// error closed or on a full disk) is ignored: progress and messages are not worth a run.
public func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return }
        bytes = bytes.dropFirst(written)
    }
}

/// A line on standard output, flushed at once so that it interleaves with standard error in order.
public func printLine(_ line: String) {
    print(line)
    fflush(nil)
}

extension TrainingRun {
    /// A whole program that trains `model` as `wgan train` does, for a Swift user's `@main`:
    /// `--out DIR` (a new run) or `--resume DIR`, then any of `wgan train`'s settings
    /// (`--max-steps 20`, `--batch-size 32`, …). A bad flag, bad data or a diverged loss is one
    /// line on standard error and exit status 1; an interrupted run exits with its signal's
    /// status (130 for Ctrl-C) after writing its checkpoint.
    public static func main(_ model: any GANModel, arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        let program = URL(fileURLWithPath: CommandLine.arguments.first ?? model.name).lastPathComponent
        if arguments.contains("--help") || arguments.contains("-h") {
            printLine("usage: \(program) [--out DIR | --resume DIR] [--setting value ...]\n\nTrains \(model.name) (\(model.summary)) as "
                      + "`wgan train` does. Settings:")
            for setting in TrainingSetting.all { printLine("  \(setting.flag) <\(setting.name)>  \(setting.help)") }
            exit(0)
        }
        do {
            var settings = arguments[...], out: URL?, resume: URL?
            var remaining: [String] = []
            while let word = settings.popFirst() {
                guard word == "--out" || word == "--resume" else { remaining.append(word); continue }
                guard let folder = settings.popFirst() else { throw TrainingError.invalidSetting("missing value for '\(word)'") }
                if word == "--out" { out = URL(fileURLWithPath: folder) } else { resume = URL(fileURLWithPath: folder) }
            }
            let options = try TrainingOptions(arguments: remaining)
            if let resume, out != nil { throw TrainingError.invalidSetting("--out cannot be used with --resume: the run continues in \(resume.path)") }
            let catalogue = ModelCatalogue.builtIn.adding(model)
            let trainer = try resume.map { try TrainingSession.resume($0, options: options, console: .standard, catalogue: catalogue) }
                ?? TrainingSession.start(options: Self.options(options, for: model), out: out, console: .standard, catalogue: catalogue)
            if try run(trainer, console: .standard, command: program) == .interrupted {
                writeToStandardError("\(program): interrupted (\(InterruptSignal.receivedName)) at step \(trainer.progress.step); checkpoint "
                                     + "written; continue with: \(program) --resume \(trainer.run.url.path)\n")
                exit(InterruptSignal.exitStatus)
            }
            exit(0)
        } catch {
            writeToStandardError("\(program): error: \(oneLineDescription(of: error))\n")
            exit(1)
        }
    }
}
