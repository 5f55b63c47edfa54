import Foundation
import XCTest

/// Standard output and error are for the person watching; a run survives them being closed,
/// full, or a pipe whose reader has gone.
final class OutputRobustnessTests: XCTestCase {
    /// Runs `wgan` through the shell with `redirections` after its arguments; its exit status.
    private func shellStatus(_ arguments: [String], redirections: String, in folder: URL) throws -> Int32 {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        let quoted = ([try WGANExecutable.url.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        // `exit $?` reports the status of wgan itself even where a pipe follows it (pipefail is not POSIX).
        shell.arguments = ["-c", "\(quoted) \(redirections)"]
        shell.currentDirectoryURL = folder
        try shell.run()
        shell.waitUntilExit()
        return shell.terminationStatus
    }

    private func assertTrainedTwoEpochs(_ run: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let log = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8)
        XCTAssertEqual(log.split(separator: "\n").filter { $0.contains("\"epoch\":2") }.count, 1, log, file: file, line: line)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("samples/ep2.png").path),
                      file: file, line: line)
    }

    func testClosedOrFullStandardStreamsDoNotStopTraining() throws {
        let folder = try temporaryFolder()
        let train = ["train"] + quickTraining + ["--epochs", "2"]
        XCTAssertEqual(try shellStatus(train + ["--out", "closed"], redirections: ">&- 2>&-", in: folder), 0)
        try assertTrainedTwoEpochs(folder.appendingPathComponent("closed"))
        XCTAssertEqual(try shellStatus(train + ["--out", "full"], redirections: ">/dev/full 2>/dev/full", in: folder), 0)
        try assertTrainedTwoEpochs(folder.appendingPathComponent("full"))
    }

    func testReaderOfStandardOutputGoingAwayDoesNotStopTraining() throws {
        let folder = try temporaryFolder()
        let status = try shellStatus(["train"] + quickTraining + ["--epochs", "2", "--out", "piped"],
                                     redirections: "2>/dev/null | head -c 1 >/dev/null; exit 0", in: folder)
        XCTAssertEqual(status, 0)
        try assertTrainedTwoEpochs(folder.appendingPathComponent("piped"))
    }
}
