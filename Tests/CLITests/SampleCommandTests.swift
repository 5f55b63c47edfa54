import Foundation
import TensorFormats
import XCTest

/// `wgan sample` refuses what would give NaN images or replace a file it should not.
final class SampleCommandTests: XCTestCase {
    func testSampleRefusesNaNsUnsafeTargetsAndUnreadableFilesInOneLine() throws {
        let folder = try temporaryFolder()
        let trained = try wgan(["train"] + quickTraining + ["--max-steps", "1", "--out", "run"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)

        let one = try wgan(["sample", "--checkpoint", "run", "--count", "1", "--out", "one.png"], in: folder)
        XCTAssertEqual(one.status, 0, one.standardError)
        XCTAssertEqual(one.standardOutput, "wrote 1 image to \(folder.appendingPathComponent("one.png").path)\n")

        var z = [Float](repeating: 0.5, count: 200)
        z[150] = .nan
        try NPYArray(shape: [2, 100], values: z).write(to: folder.appendingPathComponent("z.npy"))
        try assertOneLineError(["sample", "--checkpoint", "run", "--z", "z.npy", "--out", "x.npy"], in: folder,
                               "z.npy holds nan at row 1; latent vectors must be finite")
        try assertOneLineError(["sample", "--checkpoint", "run", "--z", "/dev/zero", "--out", "x.npy"], in: folder,
                               "--z: cannot read .npy file /dev/zero: it is not a regular file")
        try assertOneLineError(["sample", "--checkpoint", "run", "--z", "run", "--out", "x.npy"], in: folder,
                               "run: it is a folder, not a file")

        let generator = folder.appendingPathComponent("run/checkpoints/generator.safetensors")
        var weights = try SafeTensors(contentsOf: generator)
        var bias = try weights.floats("linear2.bias")
        bias[3] = .infinity
        try weights.set("linear2.bias", floats: bias, shape: [bias.count])
        try weights.write(to: folder.appendingPathComponent("bad.safetensors"))
        try assertOneLineError(["sample", "--checkpoint", "bad.safetensors", "--out", "x.png"], in: folder,
                               "'linear2.bias' holds a NaN or an infinity")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.png").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.npy").path))

        let kept = folder.appendingPathComponent("kept.png")
        try Data("mine".utf8).write(to: kept)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.png").path, withDestinationPath: "kept.png")
        try assertOneLineError(["sample", "--checkpoint", "run", "--out", "link.png"], in: folder,
                               "link.png is a symbolic link; pass --force to replace the link with the images")
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: kept.path)
        try assertOneLineError(["sample", "--checkpoint", "run", "--out", "kept.png"], in: folder, "kept.png is read-only; pass --force")
        XCTAssertEqual(try Data(contentsOf: kept), Data("mine".utf8))
        let forced = try wgan(["sample", "--checkpoint", "run", "--force", "--out", "link.png"], in: folder)
        XCTAssertEqual(forced.status, 0, forced.standardError)
        XCTAssertEqual(try Data(contentsOf: kept), Data("mine".utf8), "the link is replaced, not what it points to")

        try Data().write(to: folder.appendingPathComponent("afile"))
        try assertOneLineError(["train"] + quickTraining + ["--out", "afile/run"], in: folder,
                               "cannot create folder \(folder.appendingPathComponent("afile/run").path): "
                                   + "\(folder.appendingPathComponent("afile").path) is a file, not a folder")
    }

    /// A file that cannot be written is named once, with the reason: "cannot write X: <why>".
    func testAFailedWriteNamesItsFileOnce() throws {
        let folder = try temporaryFolder()
        let trained = try wgan(["train"] + quickTraining + ["--max-steps", "1", "--out", "run"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        try Data().write(to: folder.appendingPathComponent("afile"))
        for (arguments, target) in [(["sample", "--checkpoint", "run", "--out", "afile/s.png"], "afile/s.png"),
                                    (["sample", "--checkpoint", "run", "--out", "afile/s.npy"], "afile/s.npy"),
                                    (["report", "run", "--out", "afile/r.html"], "afile/r.html")] {
            let path = folder.appendingPathComponent(target).path
            let result = try wgan(arguments, in: folder)
            XCTAssertEqual(result.status, 1, result.standardError)
            XCTAssertEqual(result.errorLines.count, 1, result.standardError)
            XCTAssertEqual(result.standardError.components(separatedBy: path).count, 2, "named once: \(result.standardError)")
            XCTAssertTrue(result.standardError.hasSuffix("\(path): Not a directory\n"), result.standardError)
        }
    }
}
