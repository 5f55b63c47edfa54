import Foundation
import TensorFormats
import WGANData
import XCTest

/// `wgan evaluate` and `wgan train --eval-every`, on a small data folder (the first 100 MNIST
/// test images as both splits) so that the debug build stays quick.
final class EvaluateCommandTests: XCTestCase {
    /// A folder of plain IDX files: MNIST's first `count` test images as the train and test splits.
    private func smallData(in folder: URL, count: Int = 100) throws -> (folder: URL, pixels: [UInt8]) {
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let test = try DatasetName.mnist.load(.test).prefix(count)
        func idx(_ dimensions: [Int], _ payload: [UInt8]) -> Data {
            var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
            for d in dimensions { bytes += [UInt8(d >> 24), UInt8(d >> 16 & 0xff), UInt8(d >> 8 & 0xff), UInt8(d & 0xff)] }
            return Data(bytes + payload)
        }
        for split in ImageDataset.Split.allCases {
            try idx([count, 28, 28], Array(test.pixelBytes)).write(to: data.appendingPathComponent(split.imagesFileName))
            try idx([count], test.labels).write(to: data.appendingPathComponent(split.labelsFileName))
        }
        return (data, Array(test.pixelBytes))
    }

    /// A uint8 .npy of `shape` (numpy's '|u1'), or of another `descr`.
    private func uint8NPY(_ bytes: [UInt8], shape: [Int], descr: String = "|u1") -> Data {
        let dictionary = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", ")),), }"
        var header = Array(dictionary.utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(UInt8(ascii: " ")) }
        header.append(UInt8(ascii: "\n"))
        return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xff), UInt8(header.count >> 8)] + header + bytes)
    }

    func testEvaluateSamplesPrintsOneReproducibleJSONObject() throws {
        let folder = try temporaryFolder()
        let (data, pixels) = try smallData(in: folder)
        try uint8NPY(pixels, shape: [100, 28, 28]).write(to: folder.appendingPathComponent("real.npy"))
        let arguments = ["evaluate", "--samples", "real.npy", "--data-dir", data.path, "--json"]
        let first = try wgan(arguments, in: folder)
        XCTAssertEqual(first.status, 0, first.standardError)
        let lines = first.standardOutput.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, first.standardOutput)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        for key in ["fid", "fid_train_floor", "inception_score", "confident", "classes", "count", "dataset"] {
            XCTAssertNotNil(object[key], "\(key) missing from \(lines[0])")
        }
        XCTAssertEqual(try XCTUnwrap(object["fid"] as? Double), 0, accuracy: 1e-5, "the test images against themselves")
        XCTAssertEqual((object["classes"] as? [Int])?.reduce(0, +), 100)
        XCTAssertEqual(try wgan(arguments, in: folder).standardOutput, first.standardOutput, "the same inputs give the same numbers")

        // The same images as float32 in [-1, 1] score the same.
        try NPYArray(shape: [100, 784], values: pixels.map { Float($0) / 127.5 - 1 }).write(to: folder.appendingPathComponent("real.f32.npy"))
        let float = try wgan(["evaluate", "--samples", "real.f32.npy", "--range", "-1,1", "--data-dir", data.path, "--json"], in: folder)
        let floatObject = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(float.standardOutput.utf8)) as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(floatObject["fid"] as? Double), 0, accuracy: 1e-3)
    }

    func testBadSamplesGetOneLineErrors() throws {
        let folder = try temporaryFolder()
        let (data, pixels) = try smallData(in: folder, count: 20)
        let d = ["--data-dir", data.path]
        try assertOneLineError(["evaluate", "--samples", "missing.npy"] + d, in: folder, "missing.npy")
        try uint8NPY(Array(pixels.prefix(20 * 27 * 27)), shape: [20, 27, 27]).write(to: folder.appendingPathComponent("small.npy"))
        try assertOneLineError(["evaluate", "--samples", "small.npy"] + d, in: folder, "shape [20, 27, 27] is not N ≥ 2 images of 1×28×28")
        var values = pixels.map { Float($0) / 255 }
        values[900] = .nan
        try NPYArray(shape: [20, 1, 28, 28], values: values).write(to: folder.appendingPathComponent("nan.npy"))
        try assertOneLineError(["evaluate", "--samples", "nan.npy", "--range", "0,1"] + d, in: folder, "value 900 (image 1) is nan")
        try assertOneLineError(["evaluate", "--samples", "nan.npy"] + d, in: folder, "float32 samples need --range LOW,HIGH")
        try assertOneLineError(["evaluate", "--samples", "nan.npy", "--range", "1,0"] + d, in: folder, "--range must be LOW,HIGH")
        try uint8NPY([UInt8](repeating: 0, count: 16), shape: [2], descr: "<i8").write(to: folder.appendingPathComponent("ints.npy"))
        try assertOneLineError(["evaluate", "--samples", "ints.npy"] + d, in: folder, "<i8")
        try assertOneLineError(["evaluate"] + d, in: folder, "give one of --checkpoint and --samples")
        try assertOneLineError(["evaluate", "--samples", "small.npy", "--dataset", "cifar10"], in: folder,
                               "unknown --dataset 'cifar10' for evaluation (expected mnist or fashion-mnist)")
    }

    func testEvaluateACheckpointAndEvaluateWhileTraining() throws {
        let folder = try temporaryFolder()
        let (data, _) = try smallData(in: folder)
        let settings = ["train"] + quickTraining + ["--epochs", "2", "--data-dir", data.path]
        let trained = try wgan(settings + ["--eval-every", "1", "--eval-count", "40", "--out", "run"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        let plain = try wgan(settings + ["--out", "plain"], in: folder)
        XCTAssertEqual(plain.status, 0, plain.standardError)
        for file in ["generator", "critic"] {
            XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("run/checkpoints/\(file).safetensors")),
                           try Data(contentsOf: folder.appendingPathComponent("plain/checkpoints/\(file).safetensors")),
                           "evaluating leaves training as it was: the same \(file)")
        }
        let log = try String(contentsOf: folder.appendingPathComponent("run/log.jsonl"), encoding: .utf8)
        let evaluations = log.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["fid"] != nil }
        XCTAssertEqual(evaluations.map { $0["epoch"] as? Int }, [1, 2], log)
        for entry in evaluations {
            for key in ["step", "fid", "inception_score", "confident", "classes", "dev_D_loss", "eval_count"] {
                XCTAssertNotNil(entry[key], "\(key) missing from \(entry)")
            }
            XCTAssertEqual((entry["classes"] as? [Int])?.reduce(0, +), 40)
        }

        let arguments = ["evaluate", "--checkpoint", "run", "--count", "30", "--data-dir", data.path, "--json"]
        let first = try wgan(arguments, in: folder)
        XCTAssertEqual(first.status, 0, first.standardError)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(first.standardOutput.utf8)) as? [String: Any])
        XCTAssertGreaterThan(try XCTUnwrap(object["fid"] as? Double), 0)
        XCTAssertEqual(object["count"] as? Int, 30)
        XCTAssertEqual(try wgan(arguments, in: folder).standardOutput, first.standardOutput)
        let batch = try wgan(arguments + ["--batch-norm", "batch"], in: folder)
        XCTAssertEqual(batch.status, 0, batch.standardError)
        XCTAssertNotEqual(batch.standardOutput, first.standardOutput, "train-mode BatchNorm gives other samples")
    }

    /// The colour path's refusals, each one line before any image goes through the network.
    func testInceptionWeightsAreAskedForAndCheckedInOneLine() throws {
        let folder = try temporaryFolder()
        try uint8NPY([UInt8](repeating: 7, count: 12 * 3 * 8 * 8), shape: [12, 3, 8, 8]).write(to: folder.appendingPathComponent("s.npy"))
        let arguments = ["evaluate", "--samples", "s.npy", "--reference", folder.path]
        let unset = try wgan(arguments, in: folder, environment: ["WGAN_INCEPTION": ""])
        XCTAssertEqual(unset.status, 1)
        XCTAssertEqual(unset.errorLines.count, 1, unset.standardError)
        XCTAssertTrue(unset.standardError.contains("download pt_inception-2015-12-05-6726825d.pth (pytorch-fid's release 'fid_weights' on GitHub) "
                                                   + "and pass --inception FILE, or set WGAN_INCEPTION=FILE"), unset.standardError)
        try Data("not weights".utf8).write(to: folder.appendingPathComponent("pt_inception-2015-12-05-6726825d.pth"))
        try assertOneLineError(arguments + ["--inception", "pt_inception-2015-12-05-6726825d.pth"], in: folder,
                               "pt_inception-2015-12-05-6726825d.pth is damaged or another file: its SHA-256 begins ")
        try Data("not weights".utf8).write(to: folder.appendingPathComponent("weights.pth"))
        try assertOneLineError(arguments + ["--inception", "weights.pth"], in: folder, "--inception: ")
        try assertOneLineError(arguments + ["--inception", "s.npy"], in: folder, "is neither a .pth nor a .safetensors file")
        try assertOneLineError(arguments + ["--kid-subset-size", "1"], in: folder, "--kid-subset-size at least 2")
    }

    /// Scoring 10⁸ samples (the generator's noise alone would be 40 GB) runs in the memory of one
    /// batch: a few seconds in, the process is still working and its peak resident size is small;
    /// SIGTERM still stops it.
    func testEvaluationMemoryIsBoundedByTheBatchNotTheCount() throws {
        let folder = try temporaryFolder()
        let (data, _) = try smallData(in: folder)
        let settings = ["train"] + quickTraining + ["--epochs", "1", "--data-dir", data.path]
        let trained = try wgan(settings + ["--out", "run"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        let huge = "100000000"
        for arguments in [["evaluate", "--checkpoint", "run", "--count", huge, "--data-dir", data.path],
                          settings + ["--epochs", "2", "--eval-every", "1", "--eval-count", huge, "--out", "evaluating"]] {
            let running = try RunningWGAN(arguments, in: folder)
            Thread.sleep(forTimeInterval: 4)
            let peak = Self.peakResidentMegabytes(of: running.process.processIdentifier)
            let stillRunning = running.process.isRunning
            // Training stops at its next step on SIGTERM: the evaluation gives way to it.
            running.process.terminate()
            let finished = running.wait(timeout: 30)
            XCTAssertTrue(stillRunning, "\(arguments) ended early: \(finished.status) \(finished.standardError)")
            XCTAssertLessThan(try XCTUnwrap(peak), 400, "\(arguments): peak resident MiB")
            if arguments[0] == "train" { XCTAssertEqual(finished.status, 143, "stopped cleanly at its next step: \(finished.standardError)") }
        }
    }

    /// `VmHWM` of process `pid` in MiB.
    private static func peakResidentMegabytes(of pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { Double($0) }.map { $0 / 1024 }
    }

    func testEvaluationsInARunMeasuredInIterationsComeEveryNSteps() throws {
        let folder = try temporaryFolder()
        let (data, _) = try smallData(in: folder)
        let trained = try wgan(["train"] + quickTraining + ["--iterations", "4", "--data-dir", data.path, "--eval-every", "2",
                                                          "--eval-count", "20", "--out", "run"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        let log = try String(contentsOf: folder.appendingPathComponent("run/log.jsonl"), encoding: .utf8)
        let evaluations = log.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["fid"] != nil }
        XCTAssertEqual(evaluations.map { $0["step"] as? Int }, [2, 4], log)
        XCTAssertTrue(evaluations.allSatisfy { $0["epoch"] == nil && ($0["dev_D_loss"] as? Double)?.isFinite == true }, log)
    }
}
