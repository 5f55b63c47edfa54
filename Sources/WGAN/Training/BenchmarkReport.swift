import Foundation

/// What `wgan bench` prints for a `SeedBenchmark.Result`: readable lines, and one JSON object.
public struct BenchmarkReport: Codable, Equatable {
    public let stepsPerSecond: Double
    public let msPerStep: Double
    public let gflopPerStep: Double
    public let gflops: Double
    public let sgemmGflops: Double
    public let floorMs: Double
    public let ratioToFloor: Double
    public let batch: Int
    public let threads: Int
    public let steps: Int
    public let blasCore: String
    public let peakRSSMegabytes: Double?

    enum CodingKeys: String, CodingKey {
        case stepsPerSecond = "steps_per_s", msPerStep = "ms_per_step", gflopPerStep = "gflop_per_step", gflops
        case sgemmGflops = "sgemm_gflops", floorMs = "floor_ms", ratioToFloor = "ratio_to_floor", batch, threads, steps
        case blasCore = "blas_core", peakRSSMegabytes = "peak_rss_mb"
    }

    public init(_ result: SeedBenchmark.Result, peakRSSMegabytes: Double?) {
        stepsPerSecond = result.stepsPerSecond
        msPerStep = result.msPerStep
        gflopPerStep = result.gflopPerStep
        gflops = result.achievedGflops
        sgemmGflops = result.sgemmGflops
        floorMs = result.floorMs
        ratioToFloor = result.ratioToFloor
        batch = result.batch
        threads = result.threads
        steps = result.steps
        blasCore = result.blasCore
        self.peakRSSMegabytes = peakRSSMegabytes
    }

    /// The human-readable report.
    public var lines: [String] {
        [
            "seed step, batch \(batch), \(steps) timed steps, BLAS \(blasCore) with \(threads) thread\(threads == 1 ? "" : "s")",
            String(format: "  %.3f ms per step (%.2f steps/s)", msPerStep, stepsPerSecond),
            String(format: "  %.4f GFLOP per step, %.2f GFLOP/s achieved", gflopPerStep, gflops),
            String(format: "  sgemm on the step's shapes: %.2f GFLOP/s, floor %.3f ms per step, %.2f× the floor",
                   sgemmGflops, floorMs, ratioToFloor),
            "  peak RSS " + (peakRSSMegabytes.map { String(format: "%.1f MB", $0) } ?? "unknown"),
        ]
    }

    /// One line of JSON with sorted keys.
    public var json: String {
        String(decoding: (try? JSONCoding.encoder(pretty: false).encode(self)) ?? Data(), as: UTF8.self)
    }
}
