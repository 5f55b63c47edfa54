import Foundation
import WGANModels
import XCTest

final class BenchCommandTests: XCTestCase {
    func testBenchReportsTheStepAndEndsWithJSON() throws {
        let folder = try temporaryFolder()
        let result = try wgan(["bench", "--batch-size", "16", "--steps", "3", "--warmup", "1", "--threads", "1", "--json"], in: folder)
        XCTAssertEqual(result.status, 0, result.standardError)
        let lines = result.standardOutput.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.contains("ms per iteration") && $0.contains("iterations/s") }, result.standardOutput)
        XCTAssertTrue(lines.contains { $0.contains("GFLOP per iteration") && $0.contains("GFLOP/s achieved") })
        XCTAssertTrue(lines.contains { $0.contains("sgemm on the iteration's shapes") && $0.contains("floor") })
        XCTAssertTrue(lines.contains { $0.contains("peak RSS") && $0.contains("MB") })
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(lines.last).utf8)) as? [String: Any])
        for key in ["iterations_per_s", "ms_per_iteration", "gflop_per_iteration", "steps_per_s", "ms_per_step", "gflop_per_step",
                    "gflops", "floor_ms", "floor_ratio", "peak_rss_mb"] {
            XCTAssertGreaterThan(try XCTUnwrap(json[key] as? Double, key), 0, key)
        }
        XCTAssertEqual(json["batch"] as? Int, 16)
        XCTAssertEqual(json["threads"] as? Int, 1)
        XCTAssertEqual(json["model"] as? String, "seed")
        XCTAssertEqual(json["critic_steps"] as? Int, 1)
        XCTAssertEqual(json["ms_per_step"] as? Double, json["ms_per_iteration"] as? Double, "the seed's iteration is its step")
        XCTAssertFalse(try XCTUnwrap(json["blas_core"] as? String).isEmpty)
        let flops = try XCTUnwrap(json["gflop_per_step"] as? Double), ms = try XCTUnwrap(json["ms_per_step"] as? Double)
        XCTAssertEqual(try XCTUnwrap(json["gflops"] as? Double), flops / (ms / 1000), accuracy: 1e-6 * flops / (ms / 1000))
        let floor = try XCTUnwrap(json["floor_ms"] as? Double)
        XCTAssertEqual(try XCTUnwrap(json["floor_ratio"] as? Double), ms / floor, accuracy: 1e-6 * ms / floor)
    }

    /// Without --iterations and --warmup a model runs the counts it declares (the convolutional
    /// models 3 and 1, as the help says), and the help lists every model's.
    func testDefaultIterationsAreTheModelsOwn() throws {
        let folder = try temporaryFolder()
        let help = try wgan(["bench", "--help"], in: folder).standardOutput.replacingOccurrences(of: "\n", with: " ")
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for model in ModelCatalogue.builtIn.models {
            XCTAssertTrue(help.contains("\(model.name) \(model.benchmarkIterations.timed)"), "\(model.name) in: \(help)")
        }
        for model in ["cifar-dcgan", "dcgan64"].compactMap(ModelCatalogue.builtIn.named) {
            XCTAssertEqual(model.benchmarkIterations.timed, 3, model.name)
            XCTAssertEqual(model.benchmarkIterations.warmup, 1, model.name)
        }
        let result = try wgan(["bench", "--model", "dcgan64", "--dim", "1", "--batch-size", "2", "--threads", "1", "--json"], in: folder)
        XCTAssertEqual(result.status, 0, result.standardError)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(result.standardOutput.split(separator: "\n").last).utf8))
                                 as? [String: Any])
        XCTAssertEqual(json["iterations"] as? Int, 3)
        XCTAssertNil(json["generator_batch"])
    }

    /// The ResNet's iteration is its preset's: five critic steps, and a generator step on its own batch of 128.
    func testTheResNetBenchmarksItsPresetsIteration() throws {
        let folder = try temporaryFolder()
        let result = try wgan(["bench", "--model", "cifar-resnet", "--dim", "1", "--batch-size", "2", "--iterations", "1",
                               "--warmup", "0", "--threads", "1", "--json"], in: folder)
        XCTAssertEqual(result.status, 0, result.standardError)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(result.standardOutput.split(separator: "\n").last).utf8))
                                 as? [String: Any])
        XCTAssertEqual(json["model"] as? String, "cifar-resnet")
        XCTAssertEqual(json["critic_steps"] as? Int, 5)
        XCTAssertEqual(json["batch"] as? Int, 2)
        XCTAssertEqual(json["generator_batch"] as? Int, 128)
        XCTAssertGreaterThan(json["gflop_per_iteration"] as? Double ?? 0, 0)
    }

    /// `--conditional` times the AC-WGAN-GP iteration: the same convolutions plus the class head's
    /// products, so more GFLOP than the unconditional one; models without the variant are refused.
    func testConditionalBenchmarkTimesTheACGANIteration() throws {
        let folder = try temporaryFolder()
        let quick = ["bench", "--model", "cifar-resnet", "--dim", "1", "--batch-size", "2", "--iterations", "1", "--warmup", "0",
                     "--threads", "1", "--json"]
        func json(_ arguments: [String]) throws -> [String: Any] {
            let result = try wgan(arguments, in: folder)
            XCTAssertEqual(result.status, 0, result.standardError)
            let last = try XCTUnwrap(result.standardOutput.split(separator: "\n").last)
            return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        }
        let plain = try json(quick), conditional = try json(quick + ["--conditional", "--classes", "3"])
        XCTAssertNil(plain["classes"])
        XCTAssertEqual(conditional["classes"] as? Int, 3)
        XCTAssertGreaterThan(try XCTUnwrap(conditional["gflop_per_iteration"] as? Double), try XCTUnwrap(plain["gflop_per_iteration"] as? Double))
        let refused = try wgan(["bench", "--model", "dcgan64", "--conditional"], in: folder)
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.standardError, "wgan: error: --model dcgan64 has no conditional variant; --conditional needs --model cifar-resnet\n")
        let stray = try wgan(["bench", "--classes", "3"], in: folder)
        XCTAssertEqual(stray.standardError, "wgan: error: --classes needs --conditional\n")
    }

    /// The kernel is chosen for the CPU unless the user set OPENBLAS_CORETYPE, which wins, and
    /// the tool says which it uses.
    func testUsersCoreTypeIsRespectedAndReported() throws {
        let folder = try temporaryFolder()
        let quick = ["bench", "--batch-size", "8", "--steps", "1", "--warmup", "0", "--threads", "1", "--json"]
        let chosen = try wgan(quick, in: folder, environment: ["OPENBLAS_CORETYPE": ""])
        let forced = try wgan(quick, in: folder, environment: ["OPENBLAS_CORETYPE": "Sandybridge"])
        func core(_ result: Finished) throws -> String {
            XCTAssertEqual(result.status, 0, result.standardError)
            let last = try XCTUnwrap(result.standardOutput.split(separator: "\n").last)
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
            return try XCTUnwrap(json["blas_core"] as? String)
        }
        XCTAssertEqual(try core(forced), "Sandybridge")
        XCTAssertNotEqual(try core(chosen), "Prescott", "this CPU supports a faster kernel than the fallback")
    }
}
