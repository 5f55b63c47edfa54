import Foundation
import WGANImage
import XCTest

/// `wgan report` and the report every run ends with, rendered by a real browser.
final class ReportCommandTests: XCTestCase {
    func testATrainedRunsReportRendersInChromiumWithEveryImageAndNoConsoleError() throws {
        let folder = try temporaryFolder()
        let trained = try wgan(["train"] + quickTraining + ["--epochs=2", "--log-every", "1", "--out", "run"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        let report = folder.appendingPathComponent("run/report.html")
        XCTAssertTrue(trained.standardOutput.contains("report: \(report.path)\n"), trained.standardOutput)
        let html = try String(contentsOf: report, encoding: .utf8)
        XCTAssertFalse(html.contains("Missing or unreadable"), "a whole run lacks nothing")
        XCTAssertFalse(html.contains("src=\"http") || html.contains("src=\"file"), "the page is self-contained")
        guard let chromium = Chromium.path else {
            return XCTFail("chromium is not installed: the report's browser check needs Debian's chromium (scripts/setup installs it)")
        }
        // The page counts its images once loaded: the two grids in the strip, the viewer, the two final grids.
        let page = try Chromium.run(chromium, ["--dump-dom", report.absoluteString], in: folder)
        XCTAssertEqual(bodyTag(page.standardOutput), "<body data-images=\"5\" data-broken-images=\"0\">", page.standardError)
        XCTAssertEqual(page.standardError.split(separator: "\n").filter { $0.contains(":CONSOLE") }, [])

        // The count sees a broken image: the same page with one PNG's bytes spoilt.
        let spoilt = folder.appendingPathComponent("spoilt.html")
        // The last image: the first is the viewer, which the page's script points at a grid of the strip.
        let last = try XCTUnwrap(html.range(of: "base64,iVBOR", options: .backwards))
        try Data(html.replacingCharacters(in: last, with: "base64,AAAAA").utf8).write(to: spoilt)
        let broken = try Chromium.run(chromium, ["--dump-dom", spoilt.absoluteString], in: folder)
        XCTAssertEqual(bodyTag(broken.standardOutput), "<body data-images=\"5\" data-broken-images=\"1\">", broken.standardError)

        let screenshot = folder.appendingPathComponent("report.png")
        let shot = try Chromium.run(chromium, ["--screenshot=\(screenshot.path)", "--window-size=1280,2000", report.absoluteString], in: folder)
        let image = try PNGReader.read(from: screenshot.path)
        XCTAssertEqual([image.width, image.height], [1280, 2000], shot.standardError)
        // Text, plots and grids: many colours, and the plots' blue among them.
        var colours = Set<Int>()
        var blue = 0
        for y in stride(from: 0, to: image.height, by: 2) {
            for x in stride(from: 0, to: image.width, by: 2) {
                let (r, g, b) = (Int(image[x, y, 0]), Int(image[x, y, 1]), Int(image[x, y, 2]))
                colours.insert(r << 16 | g << 8 | b)
                if abs(r - 0x1F) < 30 && abs(g - 0x77) < 30 && abs(b - 0xB4) < 30 { blue += 1 }
            }
        }
        XCTAssertGreaterThan(colours.count, 200)
        XCTAssertGreaterThan(blue, 100)
    }

    func testAReportThatCannotBeWrittenDoesNotFailTheRun() throws {
        let folder = try temporaryFolder()
        XCTAssertEqual(try wgan(["train"] + quickTraining + ["--max-steps", "1", "--out", "run"], in: folder).status, 0)
        let report = folder.appendingPathComponent("run/report.html")
        try FileManager.default.removeItem(at: report)
        try FileManager.default.createDirectory(at: report, withIntermediateDirectories: false)
        let resumed = try wgan(["train", "--resume", "run", "--max-steps", "2"], in: folder)
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        XCTAssertTrue(resumed.standardOutput.contains("stopped at step 2 (--max-steps"), resumed.standardOutput)
        XCTAssertEqual(resumed.errorLines.filter { $0 == "wgan: warning: no report written: cannot write the report \(report.path): it is a folder, not a file" }.count, 1,
                       resumed.standardError)
    }

    /// The page's `<body …>` tag, where its script writes what it counted.
    private func bodyTag(_ page: String) -> String? {
        page.range(of: "<body").map { String(page[$0.lowerBound...].prefix { $0 != ">" }) + ">" }
    }

    func testReportsOfMissingAndSeveralRuns() throws {
        let folder = try temporaryFolder()
        try assertOneLineError(["report", "nowhere"], in: folder, "cannot report on \(folder.path)/nowhere: it does not exist")
        try assertOneLineError(["report", "."], in: folder, "it holds neither config.json nor log.jsonl, so it is no run folder")
        let run = folder.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        try Data("{\"epoch\":1,\"step\":3,\"D_loss\":-2,\"G_loss\":3,\"gp\":0.5,\"seconds\":4}\n{\"epoch\":2,".utf8)
            .write(to: run.appendingPathComponent("log.jsonl"))
        let one = try wgan(["report", "run"], in: folder)
        XCTAssertEqual(one.status, 0, one.standardError)
        XCTAssertEqual(one.standardOutput, "wrote \(run.path)/report.html (it lists 3 missing or unreadable files or lines)\n")
        let both = try wgan(["report", "run", "run"], in: folder)
        XCTAssertEqual(both.status, 0, both.standardError)
        XCTAssertTrue(both.standardOutput.hasPrefix("wrote \(folder.path)/report.html"), both.standardOutput)
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("2 runs compared"))
    }
}

/// Debian's headless Chromium, run on a page as the report's check needs it.
enum Chromium {
    /// The browser on the PATH, if any.
    static var path: String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        return folders.lazy.map { "\($0)/chromium" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs the browser headless with its console on standard error, in a profile of its own.
    static func run(_ path: String, _ arguments: [String], in folder: URL) throws -> Finished {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                             "--user-data-dir=\(folder.appendingPathComponent("chromium-profile").path)"] + arguments
        let output = folder.appendingPathComponent("chromium-out-\(UUID().uuidString)"), errors = output.appendingPathExtension("err")
        try Data().write(to: output)
        try Data().write(to: errors)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            XCTFail("chromium \(arguments) still running after 60 s")
        }
        process.waitUntilExit()
        return Finished(status: process.terminationStatus, standardOutput: try String(contentsOf: output, encoding: .utf8),
                        standardError: try String(contentsOf: errors, encoding: .utf8))
    }
}
