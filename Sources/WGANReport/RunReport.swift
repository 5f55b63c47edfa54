import Foundation
import WGANFiles

/// `wgan report`: one self-contained HTML file about a run (settings, system, curves, grids,
/// samples, checkpoints), or about several runs side by side. Everything is read from the run
/// folders' files, and images and plots are embedded, so the file can be opened anywhere.
public enum RunReport {
    /// The report's name inside a run folder.
    public static let fileName = "report.html"

    /// A report written, and what it notes as missing or unreadable.
    public struct Written: Sendable {
        public let url: URL
        public let problems: [String]
    }

    /// Writes the report of the run at `run` to `out` (default `run/report.html`), atomically.
    @discardableResult
    public static func write(run: URL, to out: URL? = nil) throws(ReportError) -> Written {
        let folder = try RunFolder(url: run)
        let url = out ?? run.appendingPathComponent(fileName)
        try store(RunPage.html(folder), at: url)
        return Written(url: url, problems: folder.problems)
    }

    /// Writes a report comparing `runs` to `out`, atomically.
    @discardableResult
    public static func write(comparing runs: [URL], to out: URL) throws(ReportError) -> Written {
        var folders: [RunFolder] = []
        for run in runs { folders.append(try RunFolder(url: run)) }
        try store(ComparisonPage.html(folders), at: out)
        return Written(url: out, problems: folders.flatMap(\.problems))
    }

    private static func store(_ html: String, at url: URL) throws(ReportError) {
        do {
            try Files.write(Array(html.utf8), to: url.path)
        } catch {
            throw ReportError("cannot write the report \(url.path): \(error.reason)")
        }
    }
}
