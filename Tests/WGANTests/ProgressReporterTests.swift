import WGAN
import XCTest

/// Both ways of showing progress, driven by an injected clock.
final class ProgressReporterTests: XCTestCase {
    private var output = ""
    private var time = 100.0

    private func reporter(_ style: ProgressReporter.Style) -> ProgressReporter {
        ProgressReporter(style: style, write: { [unowned self] in output += $0 }, now: { [unowned self] in time })
    }

    func testATaskWithoutLossesCountsItsOwnUnit() {
        let progress = reporter(.plain)
        progress.beginTask("Decoding images", unit: "files", total: 400)
        time += 2
        progress.update(completed: 100)
        progress.update(completed: 400)
        XCTAssertEqual(output, "Decoding images:   0% 0/400 files, ? files/s, elapsed 00:00, remaining ?\n"
                       + "Decoding images:  25% 100/400 files, 50.00 files/s, elapsed 00:02, remaining 00:06\n"
                       + "Decoding images: 100% 400/400 files, 200.00 files/s, elapsed 00:02, remaining 00:00\n")
    }

    func testTerminalRedrawsOneLineInPlaceAtMostFiveTimesASecond() {
        let progress = reporter(.terminal)
        progress.beginEpoch(2, of: 100, totalSteps: 40)
        XCTAssertEqual(output, "\rEpoch 2/100:   0%|                         | 0/40 [00:00<?, ? steps/s]\u{1B}[K")
        output = ""
        time += 0.125
        progress.update(completed: 1, criticLoss: -1.5, generatorLoss: 0.25)
        XCTAssertEqual(output, "", "redrawn sooner than 0.2 s after the last draw")
        time += 0.125
        progress.update(completed: 10, criticLoss: -3.25, generatorLoss: 0.125)
        // 10 steps in 0.25 s: 40 steps/s, 30 steps left: 0.75 s.
        XCTAssertEqual(output, "\rEpoch 2/100:  25%|██████▎                  | 10/40 [00:00<00:00, 40.00 steps/s, "
                       + "D_loss=-3.2500, G_loss=0.1250]\u{1B}[K")
        output = ""
        time += 90
        progress.update(completed: 20, criticLoss: 1, generatorLoss: 2)
        XCTAssertTrue(output.hasPrefix("\rEpoch 2/100:  50%|████████████▌            | 20/40 [01:30<01:30, 0.22 steps/s"), output)
        XCTAssertFalse(output.contains("\n"))
        output = ""
        time += 0.01
        progress.update(completed: 40, criticLoss: 1, generatorLoss: 2)
        XCTAssertTrue(output.hasPrefix("\rEpoch 2/100: 100%|█████████████████████████| 40/40 [01:30<00:00"), output)
        XCTAssertTrue(output.hasSuffix("\u{1B}[K\n"), "the last step ends the line")
        output = ""
        progress.finish()
        XCTAssertEqual(output, "", "an ended line is not ended twice")
    }

    func testTerminalLinesAreCutToTheTerminalsWidth() {
        let progress = ProgressReporter(style: .terminal, write: { [unowned self] in output += $0 }, now: { [unowned self] in time },
                                        columns: 40)
        progress.beginEpoch(1, of: 1, totalSteps: 10)
        XCTAssertEqual(output, "\rEpoch 1/1:   0%|" + String(repeating: " ", count: 23) + "\u{1B}[K", "39 characters")
    }

    func testTerminalFinishEndsAnOpenLine() {
        let progress = reporter(.terminal)
        progress.beginEpoch(1, of: 1, totalSteps: 10)
        time += 1
        progress.update(completed: 3, criticLoss: 0, generatorLoss: 0)
        output = ""
        progress.finish()
        XCTAssertEqual(output, "\n")
    }

    func testPlainPrintsWholeLinesEveryTenthOrTenSeconds() {
        let progress = reporter(.plain)
        progress.beginEpoch(1, of: 3, totalSteps: 100, completed: 0)
        for step in 1...100 {
            time += step == 57 ? 12 : 0.05
            progress.update(completed: step, criticLoss: -2, generatorLoss: 1.5)
        }
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.last, "", "every line ends with a newline")
        XCTAssertFalse(output.contains("\r"))
        let shown = lines.dropLast().map { $0.split(separator: " ")[3] }
        // The start, each tenth, the line after a 12-second step, and the end.
        XCTAssertEqual(shown, ["0/100", "10/100", "20/100", "30/100", "40/100", "50/100", "57/100", "60/100",
                               "70/100", "80/100", "90/100", "100/100"])
        XCTAssertEqual(String(lines[1]), "Epoch 1/3:  10% 10/100 steps, 20.00 steps/s, elapsed 00:00, remaining 00:04, "
                       + "D_loss=-2.0000, G_loss=1.5000")
        XCTAssertTrue(lines[11].hasPrefix("Epoch 1/3: 100% 100/100 steps, "), String(lines[11]))
        XCTAssertTrue(lines[11].contains("elapsed 00:16, remaining 00:00"), String(lines[11]))
    }

    func testResumedEpochCountsRateFromWhereItResumed() {
        let progress = reporter(.plain)
        progress.beginEpoch(4, of: 5, totalSteps: 200, completed: 150)
        XCTAssertEqual(output, "Epoch 4/5:  75% 150/200 steps, ? steps/s, elapsed 00:00, remaining ?\n")
        output = ""
        time += 2
        progress.update(completed: 170, criticLoss: 0.5, generatorLoss: -0.5)
        XCTAssertEqual(output, "Epoch 4/5:  85% 170/200 steps, 10.00 steps/s, elapsed 00:02, remaining 00:03, "
                       + "D_loss=0.5000, G_loss=-0.5000\n")
    }
}
