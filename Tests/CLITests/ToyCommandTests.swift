import Foundation
import TensorFormats
import XCTest

/// The toy experiments through the command line: a toy run, its 2-D samples, the fixed
/// generator switch, and Figure 1.
final class ToyCommandTests: XCTestCase {
    private let tiny = ["--dim", "8", "--batch-size", "16", "--iterations", "2", "--frame-every", "1", "--threads", "1"]

    func testAToyRunDrawsFramesAndSamplesPoints() throws {
        let folder = try temporaryFolder()
        let trained = try wgan(["train", "--dataset", "25gaussians"] + tiny + ["--out", "run"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        XCTAssertTrue(trained.standardOutput.contains("25gaussians, 100000 2-D points drawn once and read in order"), trained.standardOutput)
        XCTAssertTrue(trained.standardOutput.contains("modes covered: "), trained.standardOutput)
        XCTAssertTrue(trained.standardOutput.contains(" of 25, high-quality samples: "), trained.standardOutput)
        let run = folder.appendingPathComponent("run")
        let config = try String(contentsOf: run.appendingPathComponent("config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"model\" : \"toy\"") && config.contains("\"lambda\" : 0.1"), config)

        let sampled = try wgan(["sample", "--checkpoint", "run", "--count", "5", "--out", "points.npy"], in: folder)
        XCTAssertEqual(sampled.status, 0, sampled.standardError)
        let points = try NPYArray(contentsOf: folder.appendingPathComponent("points.npy"))
        XCTAssertEqual(points.shape, [5, 2])
        XCTAssertTrue(points.values.allSatisfy(\.isFinite))
    }

    func testTheFixedGeneratorSwitchAndItsRefusals() throws {
        let folder = try temporaryFolder()
        let fixed = try wgan(["train", "--dataset", "swissroll", "--fixed-generator"] + tiny + ["--out", "fixed"], in: folder)
        XCTAssertEqual(fixed.status, 0, fixed.standardError)
        let config = try String(contentsOf: folder.appendingPathComponent("fixed/config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"fixed_generator\" : true"), config)
        let off = try wgan(["train", "--dataset", "swissroll", "--fixed-generator", "false"] + tiny + ["--out", "off"], in: folder)
        XCTAssertEqual(off.status, 0, off.standardError)
        XCTAssertTrue(try String(contentsOf: folder.appendingPathComponent("off/config.json"), encoding: .utf8)
            .contains("\"fixed_generator\" : false"))
        try assertOneLineError(["train", "--fixed-generator", "--out", "images"], in: folder,
                               "--fixed-generator is for the toy datasets (8gaussians, 25gaussians, swissroll)")
        try assertOneLineError(["train", "--dataset", "8gaussians", "--model", "mnist-dcgan", "--out", "wrong"], in: folder,
                               "mnist-dcgan makes images; the toy datasets are 2-D points (use --model toy)")
        try assertOneLineError(["train", "--dataset", "8gaussians", "--frame-every", "0", "--out", "zero"], in: folder,
                               "--frame-every must be at least 1, got 0")
        // A frame interval whose batch count overflows an Int trains, stopping where asked.
        let huge = try wgan(["train", "--dataset", "25gaussians", "--dim", "8", "--batch-size", "16", "--threads", "1",
                             "--frame-every", "9223372036854775807", "--max-steps", "2", "--out", "huge"], in: folder)
        XCTAssertEqual(huge.status, 0, huge.standardError)
        XCTAssertTrue(huge.standardOutput.contains("stopped at step 2"), huge.standardOutput)
    }

    func testFigure1WritesItsNumbers() throws {
        let folder = try temporaryFolder()
        let result = try wgan(["figure1", "--out", "f1", "--surface-steps", "2", "--deep-steps", "2", "--width", "8",
                               "--deep-width", "16", "--batch-size", "8", "--threads", "1"], in: folder)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("weight clipping (c = 0.001): gradient norm "), result.standardOutput)
        let out = folder.appendingPathComponent("f1")
        let csv = try String(contentsOf: out.appendingPathComponent("figure1b.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "constraint,layer,gradient_norm")
        XCTAssertEqual(csv.count, 1 + 4 * 12)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("figure1.json")))
                                    as? [String: Any])
        XCTAssertEqual((summary["surfaces"] as? [Any])?.count, 6)
        XCTAssertEqual((summary["gradient_norms"] as? [String: Any])?.keys.sorted(), ["clip 0.001", "clip 0.01", "clip 0.1", "gp"])
        try assertOneLineError(["figure1", "--deep-steps", "0"], in: folder, "--deep-steps must be at least 1, got 0")
    }
}
