import Foundation
import TensorFormats
import WGANImage
import XCTest

/// `wgan train --conditional` (AC-WGAN-GP) on a folder with one subfolder per class, and
/// `wgan sample --class`.
final class ConditionalTrainingTests: XCTestCase {
    /// Four 32×32 PNGs of one colour in each of the subfolders `classes` (nothing else in the folder).
    private func makeClasses(_ classes: [String], in folder: URL, name: String = "shapes") throws -> URL {
        let pictures = folder.appendingPathComponent(name)
        for (c, label) in classes.enumerated() {
            let sub = pictures.appendingPathComponent(label)
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            for i in 0..<4 {
                let pixels = (0..<1024).flatMap { p -> [UInt8] in p % 32 < 8 * i + 4 ? [UInt8(100 * c), 200, 30] : [10, 10, 10] }
                try Data(try PNGWriter.encode(try Bitmap(width: 32, height: 32, channels: 3, pixels: pixels)))
                    .write(to: sub.appendingPathComponent("p\(i).png"))
            }
        }
        return pictures
    }

    /// CIFAR-10's own labels (here a binary-version file of eight records, labels 0–7) make a
    /// conditional run of its ten classes, sampled by name.
    func testConditionalRunOnCIFAR10UsesItsLabelsAndClassNames() throws {
        let folder = try temporaryFolder()
        let data = folder.appendingPathComponent("cifar")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        var records: [UInt8] = []
        for label in 0..<8 {
            records.append(UInt8(label))
            records += (0..<3072).map { (pixel: Int) -> UInt8 in UInt8((pixel * 7 + label * 31) % 256) }
        }
        try Data(records).write(to: data.appendingPathComponent("data_batch_1.bin"))
        let trained = try wgan(["train", "--dataset", "cifar10", "--data-dir", data.path, "--model", "cifar-resnet", "--conditional",
                                "--dim", "2", "--batch-size", "4", "--iterations", "1", "--n-critic", "1", "--threads", "2",
                                "--no-tensorboard", "--out", "runs/c"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        let config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("runs/c/config.json")))
                                       as? [String: Any])
        XCTAssertEqual((config["dataset"] as? [String: Any])?["classes"] as? [String],
                       ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"])
        let cats = try wgan(["sample", "--checkpoint", "runs/c", "--class", "cat", "--count", "2", "--out", "cats.npy"], in: folder)
        XCTAssertEqual(cats.status, 0, cats.standardError)
        XCTAssertTrue(cats.standardOutput.contains("wrote 2 images of class 3 (cat)"), cats.standardOutput)
    }

    func testConditionalRunOnClassFoldersThenSampleAClass() throws {
        let folder = try temporaryFolder()
        let pictures = try makeClasses(["circle", "square", "triangle"], in: folder)
        let trained = try wgan(["train", "--data-dir", pictures.path, "--model", "cifar-resnet", "--conditional", "--dim", "4",
                                "--batch-size", "4", "--iterations", "2", "--n-critic", "1", "--threads", "2", "--no-tensorboard",
                                "--out", "runs/c"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        XCTAssertTrue(trained.standardOutput.contains("12 images 32×32 RGB in 3 classes from"), trained.standardOutput)

        let run = folder.appendingPathComponent("runs/c")
        let config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("config.json")))
                                       as? [String: Any])
        XCTAssertEqual((config["dataset"] as? [String: Any])?["classes"] as? [String], ["circle", "square", "triangle"])
        XCTAssertEqual((config["settings"] as? [String: Any])?["conditional"] as? Bool, true)
        let generator = try SafeTensors(contentsOf: run.appendingPathComponent("checkpoints/generator.safetensors"))
        XCTAssertTrue(generator.metadata["model"]?.contains(#""classes":["circle","square","triangle"]"#) == true,
                      "\(generator.metadata)")

        let log = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8)
        let last = try XCTUnwrap(log.split(separator: "\n").last)
        let entry = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        for key in ["acgan_loss", "acgan_acc_real", "acgan_acc_fake"] {
            XCTAssertNotNil(entry[key] as? Double, "\(key) in \(last)")
        }
        // The fixed-noise grid: one column per class, 10 rows.
        let samples = run.appendingPathComponent("samples")
        let fixed = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: samples.path).first { $0.hasPrefix("fixed_") })
        let grid = try PNGReader.read(from: samples.appendingPathComponent(fixed).path)
        XCTAssertEqual([grid.width, grid.height], [2 + 3 * 34, 2 + 10 * 34])

        let one = try wgan(["sample", "--checkpoint", "runs/c", "--class", "1", "--count", "3", "--out", "one.npy"], in: folder)
        XCTAssertEqual(one.status, 0, one.standardError)
        XCTAssertTrue(one.standardOutput.contains("wrote 3 images of class 1 (square)"), one.standardOutput)
        XCTAssertEqual(try NPYArray(contentsOf: folder.appendingPathComponent("one.npy")).shape, [3, 3, 32, 32])
        let named = try wgan(["sample", "--checkpoint", "runs/c", "--class", "triangle", "--out", "t.png"], in: folder)
        XCTAssertEqual(named.status, 0, named.standardError)
        let all = try wgan(["sample", "--checkpoint", "runs/c", "--out", "all.npy"], in: folder)
        XCTAssertEqual(all.status, 0, all.standardError)
        XCTAssertEqual(try NPYArray(contentsOf: folder.appendingPathComponent("all.npy")).shape, [30, 3, 32, 32])
        try assertOneLineError(["sample", "--checkpoint", "runs/c", "--class", "7", "--out", "x.png"], in: folder,
                               "--class '7' is not one of this checkpoint's classes")

        // Resuming continues the conditional run.
        let resumed = try wgan(["train", "--resume", "runs/c", "--iterations", "3", "--threads", "2"], in: folder)
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        // Renamed class folders (the same images in the same order) are other classes.
        try FileManager.default.moveItem(at: pictures.appendingPathComponent("triangle"), to: pictures.appendingPathComponent("wedge"))
        try assertOneLineError(["train", "--resume", "runs/c", "--iterations", "4"], in: folder,
                               "the run trained on the classes circle, square, triangle; \(pictures.path) now has circle, square, wedge")
        try FileManager.default.moveItem(at: pictures.appendingPathComponent("wedge"), to: pictures.appendingPathComponent("triangle"))

        // --class on an unconditional checkpoint is refused.
        let plain = try wgan(["train", "--data-dir", pictures.path, "--model", "cifar-resnet", "--dim", "4", "--batch-size", "4",
                              "--iterations", "1", "--n-critic", "1", "--threads", "2", "--no-tensorboard", "--out", "runs/u"], in: folder)
        XCTAssertEqual(plain.status, 0, plain.standardError)
        try assertOneLineError(["sample", "--checkpoint", "runs/u", "--class", "1", "--out", "x.png"], in: folder,
                               "--class needs a conditional checkpoint")
    }

    func testConditionalRefusals() throws {
        let folder = try temporaryFolder()
        let pictures = try makeClasses(["a", "b"], in: folder)
        // A flat folder, and one with one subfolder.
        let flat = folder.appendingPathComponent("flat")
        try FileManager.default.createDirectory(at: flat, withIntermediateDirectories: true)
        for name in ["p0.png", "p1.png"] {
            try FileManager.default.copyItem(at: pictures.appendingPathComponent("a/\(name)"), to: flat.appendingPathComponent(name))
        }
        let single = try makeClasses(["only"], in: folder, name: "single")
        let train = ["train", "--model", "cifar-resnet", "--conditional", "--dim", "4", "--batch-size", "2", "--out", "r"]
        try assertOneLineError(train + ["--data-dir", flat.path], in: folder,
                               "holds 2 images outside subfolders (p0.png); lay it out as \(flat.path)/<class>/<image>.png, one subfolder per class")
        try assertOneLineError(train + ["--data-dir", single.path], in: folder,
                               "\(single.path) has one subfolder ('only'); lay it out as")
        // Models without a conditional variant, and data without classes.
        try assertOneLineError(["train", "--data-dir", pictures.path, "--model", "cifar-dcgan", "--conditional", "--out", "r"], in: folder,
                               "--model cifar-dcgan has no conditional variant; --conditional needs --model cifar-resnet")
        try assertOneLineError(["train", "--dataset", "mnist", "--model", "cifar-resnet", "--conditional", "--out", "r"], in: folder,
                               "--conditional needs images with classes")
    }
}
