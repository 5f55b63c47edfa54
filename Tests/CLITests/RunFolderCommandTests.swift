import Foundation
import XCTest

/// Run folders as two processes, a crash and a changed data folder leave them.
final class RunFolderCommandTests: XCTestCase {
    func testARunFolderInUseIsRefusedNamingTheHoldersPid() throws {
        let folder = try temporaryFolder()
        let run = folder.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        // Held as a running wgan holds it: flock on .wgan.lock, its pid in the file.
        let lock = open(run.appendingPathComponent(".wgan.lock").path, O_RDWR | O_CREAT, 0o644)
        XCTAssertGreaterThanOrEqual(lock, 0)
        defer { close(lock) }
        XCTAssertEqual(flock(lock, LOCK_EX | LOCK_NB), 0)
        let pid = Array("\(getpid())\n".utf8)
        XCTAssertEqual(pid.withUnsafeBytes { write(lock, $0.baseAddress, $0.count) }, pid.count)

        try assertOneLineError(["train"] + quickTraining + ["--max-steps", "1", "--out", "run"], in: folder,
                               "run is in use by process \(getpid()); wait for it to finish, or choose another folder")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run.path), [".wgan.lock"], "nothing was written")
    }

    func testAStartThatDiedBeforeItsFirstCheckpointIsStartedAgainWithOut() throws {
        let folder = try temporaryFolder()
        let first = try wgan(["train"] + quickTraining + ["--max-steps", "1", "--out", "run"], in: folder,
                             environment: ["OPENBLAS_CORETYPE": "garbage"])
        XCTAssertEqual(first.status, 0, first.standardError)
        XCTAssertTrue(first.standardOutput.contains("(OpenBLAS ignored OPENBLAS_CORETYPE=garbage and chose by its own detection)"),
                      first.standardOutput)
        let checkpoints = folder.appendingPathComponent("run/checkpoints")
        // As a Ctrl-C in the first moments leaves it: no training state or grids yet, a write cut short.
        try FileManager.default.removeItem(at: checkpoints.appendingPathComponent("training_state.safetensors"))
        let samples = folder.appendingPathComponent("run/samples")
        try FileManager.default.removeItem(at: samples)
        try FileManager.default.createDirectory(at: samples, withIntermediateDirectories: false)
        try Data("cut".utf8).write(to: checkpoints.appendingPathComponent(".wgan-5e1f.partial"))

        try assertOneLineError(["train", "--resume", "run"], in: folder,
                               "the run stopped before its first checkpoint; start it again with --out ")
        let again = try wgan(["train"] + quickTraining + ["--max-steps", "1", "--out", "run"], in: folder)
        XCTAssertEqual(again.status, 0, again.standardError)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: checkpoints.path).sorted(),
                       ["critic.safetensors", "generator.safetensors", "training_state.safetensors"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("run/tensorboard").path).count, 1,
                       "the unfinished start's TensorBoard events are removed with its log")
        try assertOneLineError(["train"] + quickTraining + ["--out", "run"], in: folder,
                               "run already holds a run; pass --resume ")
    }

    func testResumeRefusesOtherImagesBehindTheSameDataFolder() throws {
        let folder = try temporaryFolder()
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        var pixels = (0..<(64 * 784)).map { UInt8(truncatingIfNeeded: $0 * 31 + $0 / 784) }
        func writeData() throws {
            try Data(idx(dimensions: [64, 28, 28], pixels)).write(to: data.appendingPathComponent("train-images-idx3-ubyte"))
            try Data(idx(dimensions: [64], [UInt8](repeating: 3, count: 64))).write(to: data.appendingPathComponent("train-labels-idx1-ubyte"))
        }
        try writeData()
        let started = try wgan(["train", "--data-dir", "data", "--batch-size", "32", "--threads", "2", "--max-steps", "1",
                                "--out", "run"], in: folder)
        XCTAssertEqual(started.status, 0, started.standardError)
        pixels[100] ^= 0xff
        try writeData()
        try assertOneLineError(["train", "--resume", "run", "--max-steps", "2"], in: folder,
                               "the run trained on other images than those now in \(data.path) (their SHA-256 differs); resume with the same data")
    }

    /// An IDX file of unsigned bytes.
    private func idx(dimensions: [Int], _ values: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
        for size in dimensions { bytes += withUnsafeBytes(of: UInt32(size).bigEndian, Array.init) }
        return bytes + values
    }
}
