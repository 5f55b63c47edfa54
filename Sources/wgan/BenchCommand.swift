import ArgumentParser
import Foundation
import WGAN
import WGANEngine
import WGANEval
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
            iterations_per_s, gflop_per_iteration, gflops, floor_ms, floor_ratio, batch, threads, \
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
    @Flag(help: "Time the model's conditional variant (AC-WGAN-GP, cifar-resnet) on --classes classes.")
    var conditional = false
    @Option(parsing: .unconditional, help: "Classes of a --conditional benchmark (default 10, as CIFAR-10).")
    var classes: Int?
    @Option(help: ArgumentHelp("Time the FID Inception network with these weights instead: images per second at 32×32 input "
                               + "(--batch-size images a batch, default 50; --iterations batches, default 4).", valueName: "file"))
    var inception: String?
    @Flag(help: "End with one line of JSON.")
    var json = false

    func run() throws {
        try reportingFailures {
            if let inception { return try timeInception(weights: URL(fileURLWithPath: inception)) }
            guard let chosenModel = ModelCatalogue.builtIn.named(model) else {
                throw TrainingError.invalidSetting(ModelCatalogue.builtIn.unknownModelMessage(model))
            }
            let chosen = [("--batch-size", batchSize ?? 2, 2), ("--iterations", iterations ?? 1, 1), ("--warmup", warmup ?? 0, 0),
                          ("--threads", threads, 1), ("--dim", dim ?? 1, 1), ("--classes", classes ?? 2, 2)]
            for (flag, value, least) in chosen where value < least {
                throw TrainingError.invalidSetting("\(flag) must be at least \(least), got \(value)")
            }
            var benchmark = TrainingBenchmark(model: chosenModel)
            benchmark.batch = batchSize
            benchmark.width = dim
            benchmark.iterations = iterations
            benchmark.warmup = warmup
            benchmark.threads = threads
            if classes != nil && !conditional { throw TrainingError.invalidSetting("--classes needs --conditional") }
            if conditional { benchmark.classes = classes ?? 10 }
            let report = BenchmarkReport(try benchmark.run(), peakRSSMegabytes: ProcessMemory.peakResidentMegabytes())
            report.lines.forEach(printLine)
            if json { printLine(report.json) }
        }
    }
}

extension BenchCommand {
    /// Features per second of the FID Inception network on random 32×32 images (resized to 299×299
    /// inside, as pytorch-fid does), after one untimed batch.
    private func timeInception(weights: URL) throws {
        let (batch, batches) = (batchSize ?? 50, iterations ?? 4)
        guard batch >= 1, batches >= 1, threads >= 1 else { throw TrainingError.invalidSetting("--batch-size, --iterations and --threads must be positive") }
        try BLAS.load()
        Parallel.threads = threads
        let network = try InceptionNetwork(weights: InceptionWeights.read(weights))
        var random = RandomGenerator(seed: 0)
        let images = Tensor.uniform([batch, 3, 32, 32], using: &random)
        _ = network(images)
        let start = ProgressReporter.monotonicSeconds()
        for _ in 0..<batches { _ = network(images) }
        let seconds = ProgressReporter.monotonicSeconds() - start
        let rate = Double(batch * batches) / seconds
        printLine(String(format: "Inception features: %.2f images/s (%d batches of %d, 32×32 input, %d threads, %@)", rate, batches, batch,
                         threads, "OpenBLAS " + BLAS.coreName))
        if json {
            printLine(String(format: "{\"images_per_s\":%.3f,\"batch\":%d,\"batches\":%d,\"threads\":%d,\"peak_rss_mb\":%.0f}", rate, batch,
                             batches, threads, ProcessMemory.peakResidentMegabytes() ?? 0))
        }
    }
}

/// "seed 64, mnist-dcgan 50, …": a default of every built-in model, for the help.
private func perModel(_ value: (ModelPreset, any GANModel) -> String) -> String {
    ModelCatalogue.builtIn.models.map { model in "\(model.name) \(value(TrainingPreset.forModel(model).settings, model))" }
        .joined(separator: ", ")
}
