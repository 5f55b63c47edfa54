import Foundation
import WGANImage
@testable import WGANReport
import XCTest

/// Reports read from run folders' files: every numeric key becomes a curve, the Wasserstein
/// estimate follows the run's loss, strings from files are escaped, and what is missing is said.
final class ReportTests: XCTestCase {
    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ReportTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url.appendingPathComponent("samples"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A run of two whole epochs and a partial third, as the trainer writes it, with a setting
    /// that holds markup and a log key (`fid`) that this code does not know.
    private func makeRun(loss: String = "gp", lambda: Double = 10) throws -> URL {
        let url = try folder()
        let config = """
            {"blas": "OpenBLAS SkylakeX, 2 threads", "version": "0.1.0", "started": "2026-12-05T17:00:00Z",
             "dataset": {"name": "mnist", "images": 96, "height": 28, "width": 28, "directory": "/data"},
             "settings": {"dataset": "mnist", "epochs": 5, "lambda": \(lambda), "loss": "\(loss)", "threads": 2,
                          "preset": "<script>alert(1)</script>", "log_every": 2}}
            """
        try Data(config.utf8).write(to: url.appendingPathComponent("config.json"))
        let log = """
            {"step":2,"D_loss":-1.5,"G_loss":2,"gp":0.25}
            {"epoch":1,"step":3,"D_loss":-2,"G_loss":3,"gp":0.5,"seconds":4,"fid":120.5,"critic_grad_norms":{"fc1.weight":0.5,"fc2.weight":2}}
            {"epoch":2,"step":6,"D_loss":-3,"G_loss":4,"gp":0.25,"seconds":6,"fid":80,"critic_grad_norms":{"fc1.weight":0.25,"fc2.weight":1}}
            {"epoch":3,"step":7,"D_loss":-1,"G_loss":1,"gp":"nan","seconds":1,"partial":true}
            not json {
            """
        try Data(log.utf8).write(to: url.appendingPathComponent("log.jsonl"))
        let grid = try PNGWriter.encode(Bitmap(width: 6, height: 4, channels: 1, pixels: (0..<24).map { UInt8($0 * 10) }))
        for name in ["fixed_ep1.png", "fixed_ep3_step7.png", "ep3_step7.png"] {
            try Data(grid).write(to: url.appendingPathComponent("samples/" + name))
        }
        try Data("not a png".utf8).write(to: url.appendingPathComponent("samples/fixed_ep2.png"))
        return url
    }

    func testTheLogsNumericKeysAllBecomeValues() throws {
        let log = RunLog(text: String(decoding: try Data(contentsOf: makeRun().appendingPathComponent("log.jsonl")), as: UTF8.self))
        XCTAssertEqual(log.unreadableLines, [5])
        XCTAssertEqual(log.epochEntries.map(\.epoch), [1, 2, 3])
        XCTAssertEqual(log.stepEntries.map(\.step), [2])
        XCTAssertEqual(log.epochEntries[0].values, ["D_loss": -2, "G_loss": 3, "gp": 0.5, "seconds": 4, "fid": 120.5])
        XCTAssertEqual(log.epochEntries[0].groups["critic_grad_norms"], ["fc1.weight": 0.5, "fc2.weight": 2])
        XCTAssertEqual(log.epochEntries.map(\.partial), [false, false, true])
        XCTAssertTrue(log.epochEntries[2].values["gp"]!.isNaN)
        XCTAssertNil(log.epochEntries[2].values["partial"], "a flag is no curve")
        XCTAssertEqual(RunLog.orderedKeys(["fid", "zeta", "gp", "D_loss", "alpha"]), ["D_loss", "gp", "fid", "alpha", "zeta"])
    }

    func testTheWassersteinEstimateLeavesOutThePenalty() throws {
        let values = ["D_loss": -2.0, "gp": 0.5, "dev_D_loss": -1.0, "dev_gp": 0.25]
        let penalty = WassersteinEstimate(settings: ["loss": .string("gp"), "lambda": .integer(10)]).adding(to: values)
        XCTAssertEqual(penalty["wasserstein"], 7)  // −(−2) + 10 · 0.5
        XCTAssertEqual(penalty["dev_wasserstein"], 3.5)
        let clipping = WassersteinEstimate(settings: ["loss": .string("clip"), "lambda": .integer(10)])
        XCTAssertEqual(clipping.value(in: values), 2)
        XCTAssertNil(WassersteinEstimate(settings: [:]).value(in: ["D_loss": 1]), "a penalty run's estimate needs its gp")
        for baseline in ["gan", "lsgan"] {
            XCTAssertNil(WassersteinEstimate(settings: ["loss": .string(baseline)]).value(in: values), "a discriminator estimates none")
        }
        XCTAssertEqual(Charts.title("wasserstein", wasserstein: clipping), "Wasserstein estimate (−D_loss)")
        XCTAssertEqual(Charts.title("dev_D_loss", wasserstein: clipping), "dev critic loss (dev_D_loss)")
    }

    func testARunsReportShowsItsSettingsCurvesGridsAndProblems() throws {
        let url = try makeRun()
        let written = try RunReport.write(run: url)
        XCTAssertEqual(written.url, url.appendingPathComponent("report.html"))
        let html = try String(contentsOf: written.url, encoding: .utf8)
        XCTAssertFalse(html.contains("<script>alert"), "strings from files are escaped")
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("OpenBLAS SkylakeX, 2 threads"))
        XCTAssertTrue(html.contains("5.00 s on average over 2 epochs (4.00–6.00 s); 10.0 s in all"))
        XCTAssertTrue(html.contains("2 of 5 epochs, stopped inside epoch 3, generator step 7"))
        XCTAssertEqual(written.problems, ["log.jsonl: line 5 is not a JSON object; left out", "samples/fixed_ep2.png is not a readable PNG"])
        // Curves of D_loss, G_loss, gp, the estimate, fid, the gradient norms and the time.
        XCTAssertEqual(html.components(separatedBy: "<svg class=\"chart\"").count - 1, 7)
        XCTAssertTrue(html.contains("aria-label=\"Wasserstein estimate (−D_loss + 10·gp)\""))
        XCTAssertTrue(html.contains("aria-label=\"FID (fid)\""))
        // Two readable grids in the strip, the viewer, and the partial epoch's two final grids.
        XCTAssertEqual(html.components(separatedBy: "<img").count - 1, 5)
        XCTAssertTrue(html.contains("epoch 3 (stopped at step 7)"))
        XCTAssertTrue(html.contains("data:image/png;base64,"))
        // Each figure's glyph and clip ids are its own.
        let ids = html.components(separatedBy: " id=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        XCTAssertFalse(ids.isEmpty)
        XCTAssertEqual(Set(ids).count, ids.count, "duplicate ids")
    }

    /// A conditional colour run measured in iterations: its scores are drawn against generator steps
    /// and, beside them, against training time (the paper's Figure 3), and its class names are
    /// listed and said to be the grids' columns.
    func testScoresAreDrawnAgainstTrainingTimeAndClassesAreNamed() throws {
        let url = try folder()
        try Data(#"""
            {"dataset": {"name": "folder", "images": 40, "height": 32, "width": 32, "classes": ["circle", "square", "triangle"]},
             "settings": {"dataset": "folder", "iterations": 300, "conditional": true, "lambda": 10}}
            """#.utf8).write(to: url.appendingPathComponent("config.json"))
        try Data("""
            {"step":100,"fid":250,"inception_score":1.5,"kid":0.2,"eval_count":50,"training_seconds":600}
            {"step":200,"fid":180,"inception_score":1.9,"kid":0.1,"eval_count":50,"training_seconds":1500}
            {"step":300,"fid":150,"inception_score":2.1,"kid":0.05,"eval_count":50}
            """.utf8).write(to: url.appendingPathComponent("log.jsonl"))
        let html = try String(contentsOf: try RunReport.write(run: url).url, encoding: .utf8)
        for title in ["FID (fid)", "Inception score (inception_score)", "KID (kid)"] {
            XCTAssertTrue(html.contains("aria-label=\"\(title)\""), title)
            XCTAssertTrue(html.contains("aria-label=\"\(title) against training time\""), title)
        }
        XCTAssertFalse(html.contains("aria-label=\"training_seconds\""), "the time is an axis, not a curve")
        XCTAssertFalse(html.contains("eval_count against training time"))
        XCTAssertTrue(html.contains("<th>classes</th><td>3: circle, square, triangle</td>"), html)
        XCTAssertTrue(html.contains("one column per class: circle, square, triangle"))
        let curves = RunCurves(try RunFolder(url: url))
        XCTAssertEqual(curves.x, .step)
        let line = try XCTUnwrap(RunLog(text: String(decoding: try Data(contentsOf: url.appendingPathComponent("log.jsonl")), as: UTF8.self))
            .entries.first)
        XCTAssertEqual(Charts.XAxis.minutes.x(of: line), 10)
        XCTAssertEqual(Charts.XAxis.hours.x(of: line), 600.0 / 3600)
        XCTAssertEqual(Charts.XAxis.trainingTime(upTo: 1500), .minutes)
        XCTAssertEqual(Charts.XAxis.trainingTime(upTo: 4 * 3600), .hours)
    }

    func testAComparisonListsTheSettingsThatDiffer() throws {
        let first = try makeRun(), second = try makeRun(loss: "clip", lambda: 0)
        let out = try folder().appendingPathComponent("both.html")
        try RunReport.write(comparing: [first, second], to: out)
        let html = try String(contentsOf: out, encoding: .utf8)
        let differing = try XCTUnwrap(html.components(separatedBy: "settings that differ").last?.components(separatedBy: "</table>").first)
        XCTAssertTrue(differing.contains("<th>lambda</th><td class=\"differs\">10</td><td class=\"differs\">0</td>"), differing)
        XCTAssertTrue(differing.contains("<th>loss</th><td class=\"differs\">gp</td><td class=\"differs\">clip</td>"), differing)
        XCTAssertFalse(differing.contains("<th>epochs</th>"))
        XCTAssertTrue(html.contains("7 settings the runs share"))
    }

    func testAToyRunShowsItsFramesAndFigure() throws {
        let url = try folder()
        try Data(#"{"settings": {"dataset": "8gaussians", "iterations": 4, "frame_every": 2, "lambda": 0.1}}"#.utf8)
            .write(to: url.appendingPathComponent("config.json"))
        try Data(#"{"epoch":1,"step":2,"D_loss":-1,"G_loss":1,"gp":1,"modes_covered":3,"seconds":1}"#.utf8)
            .write(to: url.appendingPathComponent("log.jsonl"))
        let frame = try PNGWriter.encode(Bitmap(width: 8, height: 7, channels: 3, pixels: [UInt8](repeating: 90, count: 168)))
        for name in ["samples/frame_000002.png", "samples/frame_000004.png", "figure.png"] {
            try Data(frame).write(to: url.appendingPathComponent(name))
        }
        let written = try RunReport.write(run: url)
        XCTAssertEqual(written.problems, [])
        let html = try String(contentsOf: written.url, encoding: .utf8)
        XCTAssertTrue(html.contains("8gaussians, 2-D points"))
        XCTAssertTrue(html.contains("2 of 4 iterations"))
        XCTAssertTrue(html.contains("alt=\"iteration 4\""))
        XCTAssertTrue(html.contains("aria-label=\"Wasserstein estimate (−D_loss + 0.1·gp)\""))
        XCTAssertTrue(html.contains("aria-label=\"modes covered (modes_covered)\""))
        // Two frames in the strip, the viewer, and figure.png.
        XCTAssertEqual(html.components(separatedBy: "<img").count - 1, 4)
    }

    func testLongStepLogsAreThinnedForThePlots() throws {
        let url = try folder()
        let lines = (1...5_000).map { "{\"step\":\($0),\"D_loss\":\($0),\"G_loss\":0,\"gp\":0}" }
        try Data(lines.joined(separator: "\n").utf8).write(to: url.appendingPathComponent("log.jsonl"))
        let curves = RunCurves(try RunFolder(url: url))
        XCTAssertEqual(curves.x, .step)
        let line = curves.stepLine("D_loss")
        XCTAssertEqual(line.xs.count, RunCurves.stepLimit)
        XCTAssertEqual([line.xs.first, line.xs.last, line.ys.last], [1, 5_000, 5_000])
    }

    func testNoRunFolderIsOneSentence() throws {
        let empty = try folder()
        XCTAssertThrowsError(try RunReport.write(run: empty.appendingPathComponent("nowhere"))) { error in
            XCTAssertEqual("\(error)", "cannot report on \(empty.path)/nowhere: it does not exist")
        }
        XCTAssertThrowsError(try RunReport.write(run: empty)) { error in
            XCTAssertTrue("\(error)".hasSuffix("it holds neither config.json nor log.jsonl, so it is no run folder"), "\(error)")
        }
    }

    func testEscapingCoversMarkupAndQuotes() {
        XCTAssertEqual(HTML.escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;")
    }
}

/// A run of thousands of epochs makes a page of bounded size: the film strip thins out.
final class ReportSizeTests: XCTestCase {
    private func run(grids: Int, png: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ReportSizeTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url.appendingPathComponent("samples"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"settings": {"dataset": "mnist", "epochs": \#(grids)}}"#.utf8).write(to: url.appendingPathComponent("config.json"))
        for epoch in 1...grids { try Data(png).write(to: url.appendingPathComponent("samples/fixed_ep\(epoch).png")) }
        return url
    }

    /// The labels of the strip's figures, in order.
    private func stripLabels(_ html: String) -> [String] {
        guard let strip = html.range(of: "<div class=\"strip\">") else { return [] }
        return html[strip.upperBound...].components(separatedBy: "<figcaption>").dropFirst().map { String($0.prefix { $0 != "<" }) }
    }

    func testAThousandGridsShowAHundredEvenlySpacedWithTheFirstAndLast() throws {
        let png = try PNGWriter.encode(Bitmap(width: 6, height: 4, channels: 1, pixels: (0..<24).map { UInt8($0 * 10) }))
        let html = RunPage.html(try RunFolder(url: run(grids: 1000, png: png)))
        let labels = stripLabels(html)
        XCTAssertEqual(labels.count, 100)
        XCTAssertEqual(labels.first, "epoch 1")
        XCTAssertEqual(labels.last, "epoch 1000")
        XCTAssertEqual(labels[1], "epoch 11", "999 / 99 apart, rounded")
        XCTAssertTrue(html.contains("The page shows 100 of the 1000 grids, evenly spaced"), html)
        XCTAssertFalse(RunPage.html(try RunFolder(url: run(grids: 100, png: png))).contains("The page shows"), "100 grids are all shown")
    }

    func testLargeGridsAreThinnedToTheByteBudget() throws {
        // Noise does not compress: a 640×640 RGB grid is about 1.2 MB, so 16 MB holds 13 of them.
        var state: UInt32 = 1
        let pixels = (0..<640 * 640 * 3).map { _ -> UInt8 in state = state &* 1_664_525 &+ 1_013_904_223; return UInt8(state >> 24) }
        let png = try PNGWriter.encode(Bitmap(width: 640, height: 640, channels: 3, pixels: pixels))
        let fitting = RunFolder.stripBytes / png.count
        XCTAssertLessThan(fitting, 20)
        let html = RunPage.html(try RunFolder(url: run(grids: 20, png: png)))
        XCTAssertEqual(stripLabels(html).count, fitting)
        XCTAssertTrue(html.contains("The page shows \(fitting) of the 20 grids"), html)
        XCTAssertLessThan(html.utf8.count, RunFolder.stripBytes * 4 / 3 + 2 * png.count * 4 / 3 + 1 << 20,
                          "the strip's budget in base64, the viewer's and the final grid's copies, and the page")
    }

    func testEvenlySpacedKeepsTheEnds() {
        XCTAssertEqual(RunFolder.evenlySpaced(Array(0..<10), limit: 4), [0, 3, 6, 9])
        XCTAssertEqual(RunFolder.evenlySpaced(Array(0..<3), limit: 4), [0, 1, 2])
        XCTAssertEqual(RunFolder.evenlySpaced(Array(0..<5), limit: 2), [0, 4])
    }
}
