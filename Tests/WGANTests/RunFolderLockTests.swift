import Foundation
import WGAN
import XCTest

/// One process per run folder, and folders that a run left before its first checkpoint.
final class RunFolderLockTests: XCTestCase {
    func testASecondProcessIsRefusedWhileTheFolderIsInUse() throws {
        let folder = try temporaryFolder().appendingPathComponent("run")
        var first: RunDirectory? = try RunDirectory.createNew(at: folder)
        let inUse = "\(folder.path) is in use by process \(getpid()); wait for it to finish, or choose another folder"
        assertTrainingError(inUse) { try RunDirectory.createNew(at: folder) }
        XCTAssertTrue(FileManager.default.createFile(atPath: try XCTUnwrap(first).trainingStateURL.path, contents: Data()))
        assertTrainingError(inUse) { try RunDirectory.existing(folder) }
        first = nil
        XCTAssertNoThrow(try RunDirectory.existing(folder), "the lock ends with the run")
    }

    func testAStartThatDiedBeforeItsFirstCheckpointCanBeStartedAgainButNotResumed() throws {
        let folder = try temporaryFolder().appendingPathComponent("run")
        _ = try QuickRun.start(QuickRun.options(maxSteps: 1), in: folder)
        // Only the paths: a `RunDirectory` from the trainer would keep the folder locked.
        let run = RunDirectory(url: folder)
        // As if killed between config.json and the first training state, mid-write (before any grid).
        try FileManager.default.removeItem(at: run.trainingStateURL)
        try FileManager.default.removeItem(at: run.samplesURL)
        try FileManager.default.createDirectory(at: run.samplesURL, withIntermediateDirectories: false)
        try Data("partial".utf8).write(to: run.checkpointsURL.appendingPathComponent(".wgan-1234.partial"))

        assertTrainingError("cannot resume \(folder.path): the run stopped before its first checkpoint; start it again with --out \(folder.path)") {
            try QuickRun.resume(folder, QuickRun.options())
        }
        let again = try QuickRun.start(QuickRun.options(maxSteps: 1), in: folder)
        XCTAssertEqual(try again.train(stopRequested: { false }), .reachedMaxSteps)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run.checkpointsURL.path).sorted(),
                       ["critic.safetensors", "generator.safetensors", "training_state.safetensors"],
                       "the stale temporary file is removed")
        let log = try String(contentsOf: run.logURL, encoding: .utf8)
        let lines = log.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "the old log is dropped; the new one has its partial epoch: \(log)")
        XCTAssertTrue(lines.first?.contains(#""partial":true"#) == true && lines.first?.contains(#""step":1"#) == true, log)
    }

    func testAFolderOfOtherFilesOrAFileIsNeverTakenForARun() throws {
        let parent = try temporaryFolder()
        try Data("{}".utf8).write(to: parent.appendingPathComponent("notes.txt"))
        assertTrainingError("\(parent.path) already exists and is not an empty folder; choose another --out") {
            try RunDirectory.createNew(at: parent)
        }
        assertTrainingError("cannot resume \(parent.path): it has no checkpoints/training_state.safetensors") {
            try RunDirectory.existing(parent)
        }
        let file = parent.appendingPathComponent("notes.txt")
        assertTrainingError("\(file.path) is a file, not a folder; choose another --out") { try RunDirectory.createNew(at: file) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted(), ["notes.txt"])
    }
}
