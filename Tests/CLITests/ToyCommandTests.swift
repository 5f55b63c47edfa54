import Foundation
import TensorFormats
import WGANImage
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

        // Every frame and figure.png open, and show orange (real) and green (generated) points.
        for name in ["samples/frame_000001.png", "samples/frame_000002.png", "figure.png"] {
            let frame = try PNGReader.read(from: run.appendingPathComponent(name).path)
            XCTAssertEqual([frame.width, frame.height], [640, 560], name)
            XCTAssertGreaterThan(Self.pixels(near: (255, 127, 14), in: frame), 10, "orange real points in \(name)")
            XCTAssertGreaterThan(Self.pixels(near: (44, 160, 44), in: frame), 10, "green generated points in \(name)")
        }
        let scatter = try wgan(["sample", "--checkpoint", "run", "--count", "50", "--out", "points.png"], in: folder)
        XCTAssertEqual(scatter.status, 0, scatter.standardError)
        XCTAssertTrue(scatter.standardOutput.contains("wrote 50 points"), scatter.standardOutput)
        XCTAssertGreaterThan(Self.pixels(near: (44, 160, 44), in: try PNGReader.read(from: folder.appendingPathComponent("points.png").path)), 10)

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
        for name in ["figure1a.png", "figure1b.png", "figure1c.png"] {
            let figure = try PNGReader.read(from: out.appendingPathComponent(name).path)
            XCTAssertGreaterThan(figure.width, 600, name)
        }
        try assertOneLineError(["figure1", "--deep-steps", "0"], in: folder, "--deep-steps must be at least 1, got 0")

        // A second run into the same folder is refused before it runs, and the figure stays.
        let before = try Data(contentsOf: out.appendingPathComponent("figure1.json"))
        try assertOneLineError(["figure1", "--out", "f1", "--surface-steps", "2"], in: folder,
                               "--out \(out.path) already holds a Figure 1 (figure1a.png, figure1a.json, figure1b.png, figure1b.csv, "
                                   + "figure1c.png, figure1c.csv, figure1.json); pass --force to replace it, or choose another --out")
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("figure1.json")), before)
        try Data("x".utf8).write(to: folder.appendingPathComponent("plain"))
        try assertOneLineError(["figure1", "--out", "plain"], in: folder, "it is a file, not a folder; choose another --out")
        let forced = try wgan(["figure1", "--out", "f1", "--force", "--surface-steps", "2", "--deep-steps", "2", "--width", "8",
                               "--deep-width", "16", "--batch-size", "8", "--threads", "1", "--seed", "1"], in: folder)
        XCTAssertEqual(forced.status, 0, forced.standardError)
        XCTAssertNotEqual(try Data(contentsOf: out.appendingPathComponent("figure1.json")), before, "replaced with --force")
    }

    func testDiagnosticsLogGradientNormsAndDrawWeights() throws {
        let folder = try temporaryFolder()
        let result = try wgan(["train", "--dataset", "swissroll", "--loss", "clip", "--diagnostics"] + tiny + ["--out", "run"], in: folder)
        XCTAssertEqual(result.status, 0, result.standardError)
        let run = folder.appendingPathComponent("run")
        let lines = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let entry = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        let norms = try XCTUnwrap(entry["critic_grad_norms"] as? [String: Double])
        XCTAssertEqual(norms.keys.sorted().filter { $0.hasSuffix("weight") }, ["layers.0.weight", "layers.1.weight", "layers.2.weight", "layers.3.weight"])
        XCTAssertTrue(norms.values.allSatisfy { $0.isFinite && $0 >= 0 })
        XCTAssertGreaterThan(norms["layers.3.weight"] ?? 0, 0)
        for epoch in 1...2 {
            let histogram = try PNGReader.read(from: run.appendingPathComponent("samples/weights_ep\(epoch).png").path)
            XCTAssertEqual(histogram.width, 640)
        }
    }

    /// Pixels within 30 of an RGB colour in each channel.
    static func pixels(near color: (Int, Int, Int), in bitmap: Bitmap) -> Int {
        var count = 0
        for y in 0..<bitmap.height {
            for x in 0..<bitmap.width {
                let (r, g, b) = (Int(bitmap[x, y, 0]), Int(bitmap[x, y, 1]), Int(bitmap[x, y, 2]))
                if abs(r - color.0) <= 30 && abs(g - color.1) <= 30 && abs(b - color.2) <= 30 { count += 1 }
            }
        }
        return count
    }
}
