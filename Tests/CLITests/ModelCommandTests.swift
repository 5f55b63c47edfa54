import Foundation
import TensorFormats
import XCTest

/// The paper's MNIST model through the command line: a run measured in iterations, sampling
/// from it, and the benchmark.
final class ModelCommandTests: XCTestCase {
    func testAnMNISTModelRunInIterationsThenSamples() throws {
        let folder = try temporaryFolder()
        let tiny = ["--model", "mnist-dcgan", "--dim", "4", "--limit", "40", "--batch-size", "10", "--n-critic", "2",
                    "--threads", "2", "--iterations", "3"]
        let trained = try wgan(["train"] + tiny + ["--out", "run"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        XCTAssertTrue(trained.standardError.contains("Iterations: ") && trained.standardError.contains("3/3 it"), trained.standardError)
        XCTAssertTrue(trained.standardOutput.contains("done: 3 iterations, 3 steps"), trained.standardOutput)
        let again = try wgan(["train", "--resume", "run"], in: folder)
        XCTAssertTrue(again.standardOutput.contains("with 3 of 3 iterations done; pass a larger --iterations or --max-steps"),
                      again.standardOutput)

        let sampled = try wgan(["sample", "--checkpoint", "run", "--count", "4", "--out", "x.npy"], in: folder)
        XCTAssertEqual(sampled.status, 0, sampled.standardError)
        let images = try NPYArray(contentsOf: folder.appendingPathComponent("x.npy"))
        XCTAssertEqual(images.shape, [4, 1, 28, 28])
        XCTAssertTrue(images.values.allSatisfy { $0 > 0 && $0 < 1 }, "mnist-dcgan's sigmoid range")
        try assertOneLineError(["train", "--model", "stylegan", "--out", "other"], in: folder,
                               "unknown --model 'stylegan' (expected seed, mnist-dcgan, cifar-dcgan, dcgan64, good-resnet, dcgan-nobn, wgan-paper, mlp-g, tanh, cifar-resnet, toy)")
        try assertOneLineError(["train", "--model", "mnist-dcgan", "--dataset", "fashion-mnist", "--dim", "0", "--out", "other"],
                               in: folder, "--dim must be at least 1, got 0")
    }

    func testBenchTimesAnMNISTModelIteration() throws {
        let result = try wgan(["bench", "--model", "mnist-dcgan", "--dim", "4", "--batch-size", "4", "--iterations", "1",
                               "--warmup", "0", "--threads", "1", "--json"], in: try temporaryFolder())
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("mnist-dcgan iteration (5 critic steps and a generator step), batch 4"),
                      result.standardOutput)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(
            with: Data(try XCTUnwrap(result.standardOutput.split(separator: "\n").last).utf8)) as? [String: Any])
        XCTAssertEqual(json["model"] as? String, "mnist-dcgan")
        XCTAssertEqual(json["critic_steps"] as? Int, 5)
        XCTAssertGreaterThan(try XCTUnwrap(json["ms_per_iteration"] as? Double), 0)
        XCTAssertGreaterThan(try XCTUnwrap(json["gflop_per_iteration"] as? Double), 0)
    }
}
