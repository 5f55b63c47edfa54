import ArgumentParser
import Foundation
import WGAN

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the seed's training step and compare it with its matrix products alone (the floor).",
        discussion: """
            With --json the last line is one JSON object with the keys steps_per_s, ms_per_step, \
            gflop_per_step, gflops, floor_ms, batch, threads, blas_core and peak_rss_mb (and a few more).
            """)

    @Option(parsing: .unconditional, help: "Images per step.")
    var batchSize = 64
    @Option(parsing: .unconditional, help: "Timed steps.")
    var steps = 200
    @Option(parsing: .unconditional, help: "Untimed steps first.")
    var warmup = 20
    @Option(parsing: .unconditional, help: "Threads for matrix products and parallel work (default: the machine's core count).")
    var threads = TrainingConfig.defaultThreads
    @Flag(help: "End with one line of JSON.")
    var json = false

    func run() throws {
        try reportingFailures {
            for (flag, value, least) in [("--batch-size", batchSize, 2), ("--steps", steps, 1), ("--warmup", warmup, 0), ("--threads", threads, 1)]
            where value < least {
                throw TrainingError.invalidSetting("\(flag) must be at least \(least), got \(value)")
            }
            var benchmark = SeedBenchmark()
            benchmark.batch = batchSize
            benchmark.steps = steps
            benchmark.warmup = warmup
            benchmark.threads = threads
            let report = BenchmarkReport(try benchmark.run(), peakRSSMegabytes: ProcessMemory.peakResidentMegabytes())
            report.lines.forEach(printLine)
            if json { printLine(report.json) }
        }
    }
}
