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

    @Option(help: "Model: seed, mnist-dcgan, cifar-dcgan, dcgan64 or toy.")
    var model = ModelArchitecture.seed.rawValue
    @Option(parsing: .unconditional, help: "Images (toy: points) per batch (default: the model's preset's: seed 64, mnist-dcgan 50, cifar-dcgan and dcgan64 64, toy 256).")
    var batchSize: Int?
    @Option(parsing: .unconditional, help: "Width of the models (default: cifar-dcgan 128, toy 512, others 64).")
    var dim: Int?
    @Option(name: [.customLong("iterations"), .customLong("steps")], parsing: .unconditional,
            help: "Timed iterations (default: seed and toy 200, the convolutional models 3).")
    var iterations: Int?
    @Option(parsing: .unconditional, help: "Untimed iterations first (default: seed and toy 20, the convolutional models 1).")
    var warmup: Int?
    @Option(parsing: .unconditional, help: "Threads for matrix products and parallel work (default: the machine's core count).")
    var threads = TrainingConfig.defaultThreads
    @Flag(help: "End with one line of JSON.")
    var json = false

    func run() throws {
        try reportingFailures {
            guard let architecture = ModelArchitecture.named(model) else {
                throw TrainingError.invalidSetting("unknown --model '\(model)' (expected \(ModelArchitecture.names))")
            }
            let quick = architecture != .mnistDCGAN
            let chosen = [("--batch-size", batchSize ?? 2, 2), ("--iterations", iterations ?? 1, 1), ("--warmup", warmup ?? 0, 0),
                          ("--threads", threads, 1), ("--dim", dim ?? 1, 1)]
            for (flag, value, least) in chosen where value < least {
                throw TrainingError.invalidSetting("\(flag) must be at least \(least), got \(value)")
            }
            var benchmark = TrainingBenchmark()
            benchmark.model = architecture
            benchmark.batch = batchSize
            benchmark.width = dim
            benchmark.iterations = iterations ?? (quick ? 200 : 3)
            benchmark.warmup = warmup ?? (quick ? 20 : 1)
            benchmark.threads = threads
            let report = BenchmarkReport(try benchmark.run(), peakRSSMegabytes: ProcessMemory.peakResidentMegabytes())
            report.lines.forEach(printLine)
            if json { printLine(report.json) }
        }
    }
}
