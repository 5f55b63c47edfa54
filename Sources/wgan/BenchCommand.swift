import ArgumentParser
import Foundation
import WGAN
import WGANModels

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time training iterations and compare them with their matrix products alone (the floor).",
        discussion: """
            An iteration is what a training run repeats: --n-critic critic steps with the gradient \
            penalty, then a generator step (for seed, one of each: the seed's step; for the convolutional models and \
            toy, five critic steps, as their presets train). Models, optimizers and settings are those of the \
            model's preset. With --json the last line is one JSON object with the keys ms_per_iteration, \
            iterations_per_s, gflop_per_iteration, gflops, floor_ms, ratio_to_floor, batch, threads, \
            blas_core and peak_rss_mb (and ms_per_step, steps_per_s, gflop_per_step as the same figures).
            """)

    @Option(help: ArgumentHelp("Model: \(ModelCatalogue.builtIn.names).", valueName: "model"))
    var model = ModelCatalogue.builtIn.defaultModel.name
    @Option(parsing: .unconditional, help: "Images (toy: points) per batch (default: the model's preset's: \(perModel { preset, _ in "\(preset.batchSize)" }).")
    var batchSize: Int?
    @Option(parsing: .unconditional, help: "Width of the models (default: the model's own: \(perModel { _, model in "\(model.defaultWidth)" }).")
    var dim: Int?
    @Option(name: [.customLong("iterations"), .customLong("steps")], parsing: .unconditional,
            help: "Timed iterations (default: \(perModel { _, model in "\(model.benchmarkIterations.timed)" })).")
    var iterations: Int?
    @Option(parsing: .unconditional, help: "Untimed iterations first (default: \(perModel { _, model in "\(model.benchmarkIterations.warmup)" })).")
    var warmup: Int?
    @Option(parsing: .unconditional, help: "Threads for matrix products and parallel work (default: the machine's core count).")
    var threads = TrainingConfig.defaultThreads
    @Flag(help: "End with one line of JSON.")
    var json = false

    func run() throws {
        try reportingFailures {
            guard let chosenModel = ModelCatalogue.builtIn.named(model) else {
                throw TrainingError.invalidSetting(ModelCatalogue.builtIn.unknownModelMessage(model))
            }
            let chosen = [("--batch-size", batchSize ?? 2, 2), ("--iterations", iterations ?? 1, 1), ("--warmup", warmup ?? 0, 0),
                          ("--threads", threads, 1), ("--dim", dim ?? 1, 1)]
            for (flag, value, least) in chosen where value < least {
                throw TrainingError.invalidSetting("\(flag) must be at least \(least), got \(value)")
            }
            var benchmark = TrainingBenchmark(model: chosenModel)
            benchmark.batch = batchSize
            benchmark.width = dim
            benchmark.iterations = iterations
            benchmark.warmup = warmup
            benchmark.threads = threads
            let report = BenchmarkReport(try benchmark.run(), peakRSSMegabytes: ProcessMemory.peakResidentMegabytes())
            report.lines.forEach(printLine)
            if json { printLine(report.json) }
        }
    }
}

/// "seed 64, mnist-dcgan 50, …": a default of every built-in model, for the help.
private func perModel(_ value: (ModelPreset, any GANModel) -> String) -> String {
    ModelCatalogue.builtIn.models.map { model in "\(model.name) \(value(TrainingPreset.forModel(model).settings, model))" }
        .joined(separator: ", ")
}
