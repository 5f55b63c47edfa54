import Foundation
import XCTest

/// Sizes too large for the machine (or for an `Int`) are one-line errors, checked before anything
/// is allocated; a batch larger than the data is reduced to it, with a warning.
final class SizeLimitTests: XCTestCase {
    func testSizesBeyondTheMachineAreOneLineErrors() throws {
        let folder = try temporaryFolder()
        let huge = "\(Int.max)"
        let trained = try wgan(["train"] + quickTraining + ["--max-steps", "1", "--out", "run"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        try assertOneLineError(["sample", "--checkpoint", "run", "--count", "1000000000", "--out", "x.png"], in: folder,
                               "sampling 1000000000 images would need about ")
        try assertOneLineError(["sample", "--checkpoint", "run", "--count", huge, "--out", "x.png"], in: folder,
                               "sampling \(huge) images would need more memory than can be counted")
        try assertOneLineError(["train", "--latent-dim", "1000000000", "--out", "big"], in: folder,
                               "--latent-dim 1000000000 would need about ")
        try assertOneLineError(["train", "--latent-dim", huge, "--out", "big"], in: folder, "(use a smaller --batch-size or --latent-dim)")
        try assertOneLineError(["bench", "--batch-size", "10000000"], in: folder, "a benchmark with --batch-size 10000000 would need about ")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["run"], "nothing else was written")
    }

    func testAnImageSizeBeyondTheMachineIsRefusedBeforeDecodingAndNamed() throws {
        let folder = try temporaryFolder()
        let pictures = folder.appendingPathComponent("pictures")
        try FileManager.default.createDirectory(at: pictures, withIntermediateDirectories: true)
        // Undecodable files: a check after decoding would report them instead of the size.
        for name in ["a.png", "b.png", "c.jpg"] { try Data("not an image".utf8).write(to: pictures.appendingPathComponent(name)) }
        try assertOneLineError(["train", "--data-dir", pictures.path, "--image-size", "4096", "--batch-size", "2", "--out", "r"],
                               in: folder, "training on 3 image files at --image-size 4096 with --batch-size 2 and --latent-dim 100 would need about ")
        try assertOneLineError(["train", "--data-dir", pictures.path, "--image-size", "4096", "--out", "r"],
                               in: folder, "(use a smaller --image-size, --batch-size or --latent-dim)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["pictures"], "nothing was written")
    }

    func testHugeBatchSizeAndCriticStepsTrainOnTheWholeData() throws {
        let folder = try temporaryFolder()
        let huge = "\(Int.max)"
        let first = try wgan(["train", "--limit", "96", "--threads", "2", "--batch-size", huge, "--n-critic", huge,
                              "--max-steps", "1", "--out", "run"], in: folder)
        XCTAssertEqual(first.status, 0, first.standardError)
        XCTAssertTrue(first.standardError.contains(
            "wgan: warning: --batch-size \(huge) is more than the 96 training images; training on batches of 96"), first.standardError)
        let config = try String(contentsOf: folder.appendingPathComponent("run/config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains(#""batch_size" : 96"#), config)
        let resumed = try wgan(["train", "--resume", "run", "--max-steps", "2"], in: folder)
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        XCTAssertTrue(resumed.standardOutput.contains("stopped at step 2"), resumed.standardOutput)
    }
}
