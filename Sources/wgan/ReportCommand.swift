import ArgumentParser
import Foundation
import WGAN
import WGANReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML report of a run, or of several runs side by side.",
        discussion: """
            One self-contained HTML file (images and plots embedded): the settings and the system \
            (BLAS kernel, threads), the time per epoch, a curve for every value in log.jsonl (critic and \
            generator loss, penalty, the Wasserstein estimate, and any other: dev losses, FID, Inception \
            score, mode coverage), the fixed-noise grid of every epoch (a toy run's frames), the final \
            samples and the checkpoints' paths. With several runs: the settings that differ and the curves \
            overlaid. Anything missing or unreadable is listed at the top of the report. `wgan train` \
            writes RUN/report.html at the end of every run.
            """)

    @Argument(help: ArgumentHelp("Run folders (one for a run's report; several to compare them).", valueName: "run"))
    var runs: [String]

    @Option(help: ArgumentHelp("The report's file (default: RUN/report.html for one run, ./report.html for several).",
                               valueName: "file"))
    var out: String?

    func run() throws {
        try reportingFailures {
            let folders = runs.map { URL(fileURLWithPath: $0) }
            let out = out.map { URL(fileURLWithPath: $0) }
            let written = folders.count == 1 ? try RunReport.write(run: folders[0], to: out)
                : try RunReport.write(comparing: folders, to: out ?? URL(fileURLWithPath: RunReport.fileName))
            let notes = written.problems.isEmpty ? "" : " (it lists \(written.problems.count) missing or unreadable "
                + (written.problems.count == 1 ? "file or line)" : "files or lines)")
            printLine("wrote \(written.url.path)\(notes)")
        }
    }
}

