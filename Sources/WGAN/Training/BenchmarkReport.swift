import Foundation
import WGANModels

/// What `wgan bench` prints for a `TrainingBenchmark.Result`: readable lines, and one JSON object.
/// An iteration is one generator step with its critic steps; for the seed's model (one critic
/// step) it is the seed's training step, so the `*_step` keys repeat the `*_iteration` ones.
public struct BenchmarkReport: Codable, Equatable {
    public let model: String
    public let criticSteps: Int
    /// Classes of a conditional model's benchmark.
    public let classes: Int?
    public let iterationsPerSecond: Double
    public let msPerIteration: Double
    public let gflopPerIteration: Double
    public let gflops: Double
    public let sgemmGflops: Double
    public let floorMs: Double
    public let ratioToFloor: Double
    public let batch: Int
    /// The generator step's batch, when it is not `batch`.
    public let generatorBatch: Int?
    public let threads: Int
    public let iterations: Int
    public let blasCore: String
    public let peakRSSMegabytes: Double?

    enum CodingKeys: String, CodingKey {
        case model, classes, criticSteps = "critic_steps", iterationsPerSecond = "iterations_per_s", msPerIteration = "ms_per_iteration"
        case gflopPerIteration = "gflop_per_iteration", gflops, sgemmGflops = "sgemm_gflops", floorMs = "floor_ms"
        case ratioToFloor = "floor_ratio", batch, generatorBatch = "generator_batch", threads, iterations, blasCore = "blas_core"
        case peakRSSMegabytes = "peak_rss_mb"
    }

    /// The seed-era names of the per-iteration figures, kept for scripts that read them.
    private enum StepKeys: String, CodingKey {
        case stepsPerSecond = "steps_per_s", msPerStep = "ms_per_step", gflopPerStep = "gflop_per_step", steps
    }

    public init(_ result: TrainingBenchmark.Result, peakRSSMegabytes: Double?) {
        model = result.model
        criticSteps = result.criticSteps
        classes = result.classes
        iterationsPerSecond = result.iterationsPerSecond
        msPerIteration = result.msPerIteration
        gflopPerIteration = result.gflopPerIteration
        gflops = result.achievedGflops
        sgemmGflops = result.sgemmGflops
        floorMs = result.floorMs
        ratioToFloor = result.ratioToFloor
        batch = result.batch
        generatorBatch = result.generatorBatch
        threads = result.threads
        iterations = result.iterations
        blasCore = result.blasCore
        self.peakRSSMegabytes = peakRSSMegabytes
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(criticSteps, forKey: .criticSteps)
        try container.encodeIfPresent(classes, forKey: .classes)
        try container.encode(iterationsPerSecond, forKey: .iterationsPerSecond)
        try container.encode(msPerIteration, forKey: .msPerIteration)
        try container.encode(gflopPerIteration, forKey: .gflopPerIteration)
        try container.encode(gflops, forKey: .gflops)
        try container.encode(sgemmGflops, forKey: .sgemmGflops)
        try container.encode(floorMs, forKey: .floorMs)
        try container.encode(ratioToFloor, forKey: .ratioToFloor)
        try container.encode(batch, forKey: .batch)
        try container.encodeIfPresent(generatorBatch, forKey: .generatorBatch)
        try container.encode(threads, forKey: .threads)
        try container.encode(iterations, forKey: .iterations)
        try container.encode(blasCore, forKey: .blasCore)
        try container.encodeIfPresent(peakRSSMegabytes, forKey: .peakRSSMegabytes)
        var steps = encoder.container(keyedBy: StepKeys.self)
        try steps.encode(iterationsPerSecond, forKey: .stepsPerSecond)
        try steps.encode(msPerIteration, forKey: .msPerStep)
        try steps.encode(gflopPerIteration, forKey: .gflopPerStep)
        try steps.encode(iterations, forKey: .steps)
    }

    /// The human-readable report.
    public var lines: [String] {
        let name = model + (classes.map { " conditional on \($0) classes (AC-WGAN-GP)" } ?? "")
        let what = criticSteps == 1 ? "\(name) iteration (a critic step and a generator step)"
            : "\(name) iteration (\(criticSteps) critic steps and a generator step)"
        return [
            "\(what), batch \(batch)" + (generatorBatch.map { " (generator \($0))" } ?? "") + ", \(iterations) timed, BLAS \(blasCore) with \(threads) thread\(threads == 1 ? "" : "s")",
            String(format: "  %.3f ms per iteration (%.2f iterations/s)", msPerIteration, iterationsPerSecond),
            String(format: "  %.4f GFLOP per iteration, %.2f GFLOP/s achieved", gflopPerIteration, gflops),
            String(format: "  sgemm on the iteration's shapes: %.2f GFLOP/s, floor %.3f ms per iteration, %.2f× the floor",
                   sgemmGflops, floorMs, ratioToFloor),
            "  peak RSS " + (peakRSSMegabytes.map { String(format: "%.1f MB", $0) } ?? "unknown"),
        ]
    }

    /// One line of JSON with sorted keys.
    public var json: String {
        String(decoding: (try? JSONCoding.encoder(pretty: false).encode(self)) ?? Data(), as: UTF8.self)
    }
}
