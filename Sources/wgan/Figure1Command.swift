import ArgumentParser
import Foundation
import WGAN
import WGANEngine

struct Figure1Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figure1",
        abstract: "Reproduce the paper's Figure 1: weight clipping against the gradient penalty, on critics of the toy sets.",
        discussion: """
            Every critic trains against the fixed generator (real points plus N(0, 1) noise): clipping with \
            RMSprop(5e-5), the penalty with λ 0.1 and Adam(1e-4, β (0.5, 0.9)) as the official gan_toy.py. \
            Writes into --out: figure1a.png (value surfaces of clipping, c = 0.01, and the penalty on \
            8gaussians, 25gaussians and swissroll; real points orange, fakes green) with figure1a.json; \
            figure1b.png (the norm of the critic loss's gradient with respect to each layer's activations \
            of a deep critic on the Swiss roll, clipping with each --deep-clips bound against the penalty, \
            log scale) with figure1b.csv; figure1c.png (the deep critics' weight histograms) with \
            figure1c.csv; figure1.json (the settings and the figures' numbers).
            """)

    @Option(help: ArgumentHelp("Folder for the figures and their numbers.", valueName: "dir"))
    var out = "figure1"
    @Option(parsing: .unconditional, help: "Critic steps for each value surface of (a).")
    var surfaceSteps = Figure1Experiment.Settings().surfaceSteps
    @Option(parsing: .unconditional, help: "Critic steps for each deep critic of (b) and (c).")
    var deepSteps = Figure1Experiment.Settings().deepSteps
    @Option(parsing: .unconditional, help: "Width of the surfaces' critics (three ReLU layers).")
    var width = Figure1Experiment.Settings().width
    @Option(parsing: .unconditional, help: "ReLU layers of the deep critics.")
    var deepLayers = Figure1Experiment.Settings().deepLayers
    @Option(parsing: .unconditional, help: "Width of the deep critics.")
    var deepWidth = Figure1Experiment.Settings().deepWidth
    @Option(parsing: .unconditional, help: "Points per batch.")
    var batchSize = Figure1Experiment.Settings().batchSize
    @Option(parsing: .unconditional, help: "Random seed.")
    var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Threads for matrix products (default: the machine's core count).")
    var threads = TrainingConfig.defaultThreads
    @Flag(help: "Replace a Figure 1 already in --out (without it, such a folder is refused before anything runs).")
    var force = false

    func run() throws {
        try reportingFailures {
            let chosen = [("--surface-steps", surfaceSteps, 1), ("--deep-steps", deepSteps, 1), ("--width", width, 1),
                          ("--deep-layers", deepLayers, 1), ("--deep-width", deepWidth, 1), ("--batch-size", batchSize, 2),
                          ("--threads", threads, 1)]
            for (flag, value, least) in chosen where value < least {
                throw TrainingError.invalidSetting("\(flag) must be at least \(least), got \(value)")
            }
            for (flag, value) in [("--width", width), ("--deep-width", deepWidth), ("--batch-size", batchSize)] where value > 65_536 {
                throw TrainingError.invalidSetting("\(flag) must be at most 65536, got \(value)")
            }
            var settings = Figure1Experiment.Settings()
            settings.surfaceSteps = surfaceSteps
            settings.deepSteps = deepSteps
            settings.width = width
            settings.deepLayers = deepLayers
            settings.deepWidth = deepWidth
            settings.batchSize = batchSize
            settings.seed = seed
            let output = Figure1Output(folder: URL(fileURLWithPath: out))
            try output.checkWritable(replacing: force)
            try BLAS.load()
            Parallel.threads = threads
            printLine("wgan \(WGANVersion.current): \(BLAS.summary); figure 1 into \(out)")
            let start = ProgressReporter.monotonicSeconds()
            let experiment = Figure1Experiment(settings: settings)
            let surfaces = experiment.surfaces(progress: printLine)
            let deep = experiment.deepCritics(progress: printLine)
            let seconds = ProgressReporter.monotonicSeconds() - start
            try output.write(settings: settings, surfaces: surfaces, deepCritics: deep, seconds: seconds)
            for critic in deep {
                let norms = critic.gradientNorms
                printLine("\(critic.constraint): gradient norm \(String(format: "%.3g", norms.first ?? 0)) at layer 1, "
                          + "\(String(format: "%.3g", norms.last ?? 0)) at layer \(norms.count)")
            }
            printLine(String(format: "done in %.0f s: figure1a.png, figure1b.png, figure1c.png and their numbers in %@", seconds, out))
        }
    }
}
