import Foundation
import TensorFormats
import WGANImage
import XCTest

/// `wgan train` on a folder of pictures and on CIFAR-10's files, in colour.
final class ImageFolderTrainingTests: XCTestCase {
    /// Ten 40×30 PNGs and JPEGs of stripes in a colour each, in two folders, and one damaged file.
    private func makePictures(in folder: URL) throws -> URL {
        let pictures = folder.appendingPathComponent("pictures")
        try FileManager.default.createDirectory(at: pictures.appendingPathComponent("more"), withIntermediateDirectories: true)
        for i in 0..<10 {
            let pixels = (0..<1200).flatMap { p -> [UInt8] in p / 40 % 2 == 0 ? [UInt8(25 * i), 200, 30] : [10, 10, UInt8(20 * i)] }
            let bitmap = try Bitmap(width: 40, height: 30, channels: 3, pixels: pixels)
            let bytes = i % 2 == 0 ? try PNGWriter.encode(bitmap) : try JPEGWriter.encode(bitmap)
            try Data(bytes).write(to: pictures.appendingPathComponent(i < 5 ? "p\(i).\(i % 2 == 0 ? "png" : "jpg")" : "more/p\(i).jpeg"))
        }
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: pictures.appendingPathComponent("damaged.png"))
        return pictures
    }

    func testTrainOnAFolderInColourThenSampleColour() throws {
        let folder = try temporaryFolder()
        let pictures = try makePictures(in: folder)
        let trained = try wgan(["train", "--data-dir", pictures.path, "--model", "cifar-dcgan", "--dim", "4", "--batch-size", "5",
                                "--iterations", "2", "--n-critic", "1", "--threads", "2", "--out", "runs/one"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        XCTAssertTrue(trained.standardError.contains("wgan: warning: skipped 1 unreadable file in \(pictures.path): damaged.png (not a readable PNG"),
                      trained.standardError)
        XCTAssertTrue(trained.standardOutput.contains("image folder, 10 images 32×32 RGB from \(pictures.path)"), trained.standardOutput)
        XCTAssertFalse(trained.standardError.contains("Decoding images"), "no bar for a handful of files")
        let samples = folder.appendingPathComponent("runs/one/samples")
        let fixed = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: samples.path).first { $0.hasPrefix("fixed_") })
        let grid = try PNGReader.read(from: samples.appendingPathComponent(fixed).path)
        XCTAssertEqual([grid.width, grid.height, grid.channels], [172, 172, 3])

        let sampled = try wgan(["sample", "--checkpoint", "runs/one", "--count", "3", "--out", "x.npy"], in: folder)
        XCTAssertEqual(sampled.status, 0, sampled.standardError)
        XCTAssertEqual(try NPYArray(contentsOf: folder.appendingPathComponent("x.npy")).shape, [3, 3, 32, 32])

        // Grey at 64×64 for the seed's MLPs, as asked.
        let grey = try wgan(["train", "--data-dir", pictures.path, "--channels", "1", "--image-size", "12", "--batch-size", "5",
                             "--max-steps", "1", "--threads", "1", "--out", "runs/grey"], in: folder)
        XCTAssertEqual(grey.status, 0, grey.standardError)
        XCTAssertTrue(grey.standardOutput.contains("10 images 12×12 from"), grey.standardOutput)
    }

    func testBadImageInputIsOneLine() throws {
        let folder = try temporaryFolder()
        let pictures = try makePictures(in: folder)
        try assertOneLineError(["train", "--data-dir", pictures.path, "--strict", "--out", "r"], in: folder,
                               "cannot decode \(pictures.path)/damaged.png: not a readable PNG")
        // The warnings (the skipped file, the batch size cut to the 10 images) come first, on standard
        // error beside the error that ends the run.
        let wrongModel = try wgan(["train", "--data-dir", pictures.path, "--model", "mnist-dcgan", "--out", "r"], in: folder)
        XCTAssertEqual(wrongModel.status, 1, wrongModel.standardError)
        XCTAssertEqual(wrongModel.errorLines.count, 3, wrongModel.standardError)
        XCTAssertTrue(wrongModel.errorLines.first?.hasPrefix("wgan: warning: skipped 1 unreadable file in \(pictures.path): damaged.png") == true,
                      wrongModel.standardError)
        XCTAssertTrue(wrongModel.errorLines.last?.hasPrefix("wgan: error: mnist-dcgan makes 1×28×28 images; the data's are 3×28×28") == true,
                      wrongModel.standardError)
        XCTAssertEqual(wrongModel.standardOutput, "", "nothing on standard output for a run that never started")
        try assertOneLineError(["train", "--model", "cifar-dcgan", "--out", "r"], in: folder,
                               "cifar-dcgan makes 3×32×32 (or 1×32×32) images; the data's are 1×28×28 — pass --image-size 32 --channels 3")
        try assertOneLineError(["train", "--data-dir", pictures.path, "--channels", "2", "--out", "r"], in: folder,
                               "--channels must be 1 or 3, got 2")
        try assertOneLineError(["train", "--image-size", "32", "--out", "r"], in: folder,
                               "--image-size and --channels apply to image folders")
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try assertOneLineError(["train", "--dataset", "images", "--data-dir", empty.path, "--out", "r"], in: folder,
                               "no images in \(empty.path): no .png, .jpg or .jpeg files")
        try assertOneLineError(["train", "--dataset", "cifar10", "--out", "r"], in: folder, "CIFAR-10 is not installed")
    }

    /// A colour run's --eval-every needs the FID Inception network's weights: refused before training, nothing written.
    func testAColourRunsEvaluationsNeedTheInceptionWeightsFromTheStart() throws {
        let folder = try temporaryFolder()
        let pictures = try makePictures(in: folder)
        let arguments = ["train", "--data-dir", pictures.path, "--model", "cifar-dcgan", "--dim", "4", "--batch-size", "5",
                         "--iterations", "2", "--eval-every", "1", "--out", "r"]
        let missing = try wgan(arguments, in: folder, environment: ["WGAN_INCEPTION": ""])
        XCTAssertEqual(missing.status, 1, missing.standardError)
        XCTAssertTrue(missing.errorLines.last?.contains("download pt_inception-2015-12-05-6726825d.pth") == true, missing.standardError)
        let absent = try wgan(arguments + ["--inception", "nowhere.pth"], in: folder)
        XCTAssertEqual(absent.status, 1, absent.standardError)
        XCTAssertTrue(absent.errorLines.last?.hasSuffix("/nowhere.pth does not exist") == true, absent.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("r").path), "refused before the run folder")
    }
}
