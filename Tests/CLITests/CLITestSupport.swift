import Foundation
import XCTest

/// The `wgan` executable built beside the test bundle, run as a subprocess.
enum WGANExecutable {
    static var url: URL {
        get throws {
            let bundle = Bundle.main.bundleURL
            let candidates = [bundle, bundle.deletingLastPathComponent(),
                              Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
            for folder in candidates {
                let executable = folder.appendingPathComponent("wgan")
                if FileManager.default.isExecutableFile(atPath: executable.path) { return executable }
            }
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "wgan next to \(bundle.path)"])
        }
    }
}

/// A finished subprocess: its exit status and what it wrote.
struct Finished {
    let status: Int32
    let standardOutput: String
    let standardError: String

    var errorLines: [Substring] { standardError.split(separator: "\n") }
}

/// A running `wgan`, its output going to files so that no pipe fills up.
final class RunningWGAN {
    let process = Process()
    private let outputURL: URL
    private let errorURL: URL

    /// Runs `wgan` with `arguments`, or `launcher` (`mpirun`) with `arguments`, which then name `wgan`.
    init(_ arguments: [String], in folder: URL, environment: [String: String] = [:], launcher: URL? = nil) throws {
        // Outside `folder`, whose contents the tests check.
        let logs = FileManager.default.temporaryDirectory
        outputURL = logs.appendingPathComponent("wgan-stdout-\(UUID().uuidString).txt")
        errorURL = logs.appendingPathComponent("wgan-stderr-\(UUID().uuidString).txt")
        try Data().write(to: outputURL)
        try Data().write(to: errorURL)
        process.executableURL = try launcher ?? WGANExecutable.url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = folder
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
    }

    var standardErrorSoFar: String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }

    /// Waits for the process to end; past `timeout` seconds it is terminated and the test fails.
    func wait(timeout: TimeInterval = 300) -> Finished {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            XCTFail("wgan \(process.arguments ?? []) still running after \(timeout) s")
            process.terminate()
        }
        process.waitUntilExit()
        let finished = Finished(status: process.terminationStatus,
                                standardOutput: (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "",
                                standardError: standardErrorSoFar)
        try? FileManager.default.removeItem(at: outputURL)
        try? FileManager.default.removeItem(at: errorURL)
        return finished
    }
}

extension XCTestCase {
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("CLITests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Runs `wgan` with `arguments` in `folder` and waits for it.
    func wgan(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Finished {
        try RunningWGAN(arguments, in: folder, environment: environment).wait()
    }

    /// Asserts that `wgan` failed with status 1 and one line `wgan: error: …` containing `fragment`.
    func assertOneLineError(_ arguments: [String], in folder: URL, _ fragment: String, file: StaticString = #filePath,
                            line: UInt = #line) throws {
        let result = try wgan(arguments, in: folder)
        XCTAssertEqual(result.status, 1, "\(arguments): \(result.standardError)", file: file, line: line)
        XCTAssertEqual(result.errorLines.count, 1, "\(arguments): \(result.standardError)", file: file, line: line)
        let message = result.errorLines.first.map(String.init) ?? ""
        XCTAssertTrue(message.hasPrefix("wgan: error: "), message, file: file, line: line)
        XCTAssertTrue(message.contains(fragment), "'\(message)' lacks '\(fragment)'", file: file, line: line)
    }
}

/// Quick training flags: 96 MNIST images in batches of 32, three steps per epoch.
let quickTraining = ["--limit", "96", "--batch-size", "32", "--threads", "2", "--seed", "11"]
