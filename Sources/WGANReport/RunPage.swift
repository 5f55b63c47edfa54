import Foundation
import WGANFiles

/// The report of one run: its settings and system, its curves, its fixed-noise grids (a toy
/// run's frames), its final samples and its checkpoints.
enum RunPage {
    static func html(_ run: RunFolder) -> String {
        var body = "<header><h1>wgan run \(HTML.escape(run.name))</h1>"
            + "<p class=\"subtitle\">\(HTML.escape(progress(run))) — <code>\(HTML.escape(run.url.path))</code></p></header>"
        body += HTML.problems(run.problems)
        // The settings in two columns beside the system's lines: a long list reads better short.
        let settings = run.settings.keys.sorted().map { ($0, run.settings[$0]!.displayText) }
        let half = (settings.count + 1) / 2
        body += "<section><h2>Settings and system</h2><div class=\"columns\">" + HTML.table(system(run), caption: "system")
            + HTML.table(Array(settings.prefix(half)), caption: "settings (config.json)")
            + HTML.table(Array(settings.dropFirst(half)), caption: settings.count > 1 ? "\u{a0}" : "") + "</div></section>"
        let panels = RunCurves(run).panels()
        body += "<section><h2>Curves</h2>"
            + (panels.isEmpty ? "<p>log.jsonl holds no values yet.</p>" : "<div class=\"charts\">\(panels.joined())</div>")
            + "</section>"
        if run.isToy {
            body += "<section><h2>Frames</h2><p>The critic's value over the plane, real points orange, generated green, "
                + "every \(run.settings["frame_every"]?.displayText ?? "few") iterations."
                + thinned(shown: run.frames.count, of: run.framesInAll, kind: "frames") + "</p>"
                + HTML.filmStrip(run.frames, viewerScale: 1, thumbnailScale: 0.25, pixelated: false) + "</section>"
            if let figure = run.figure { body += "<section><h2>Final samples</h2>\(HTML.figure(figure))</section>" }
        } else {
            body += "<section><h2>Fixed-noise grids</h2><p>The same latent vectors after every epoch, the generator in "
                + "evaluation mode" + (classNames(run).map { ", one column per class: " + $0.joined(separator: ", ") } ?? "")
                + ". Drag the slider or click a grid." + thinned(shown: run.grids.count, of: run.gridsInAll, kind: "grids") + "</p>"
                + (run.grids.isEmpty ? "<p>No grids yet.</p>" : HTML.filmStrip(run.grids, viewerScale: 2, thumbnailScale: 1, pixelated: true))
                + "</section>"
            body += "<section><h2>Final samples</h2>"
                + (run.finalSamples.isEmpty ? "<p>No samples yet.</p>"
                   : "<div class=\"samples\">" + run.finalSamples.map { HTML.figure($0, scale: 2, pixelated: true) }.joined() + "</div>")
                + "</section>"
        }
        body += "<section><h2>Checkpoints</h2>"
            + (run.checkpoints.isEmpty ? "<p>No checkpoints.</p>"
               : HTML.table(run.checkpoints.map { ($0.path, byteCount($0.bytes)) }, caption: "checkpoints/"))
            + "</section>"
        return HTML.page(title: "wgan run \(run.name)", body: body)
    }

    /// The sentence that says a film strip shows only some of the run's pictures, or nothing.
    static func thinned(shown: Int, of count: Int?, kind: String) -> String {
        guard let count else { return "" }
        return " The page shows \(shown) of the \(count) \(kind), evenly spaced (it embeds at most \(RunFolder.stripLimit), "
            + "and \(RunFolder.stripBytes >> 20) MB of them); every one is in <code>samples/</code>."
    }

    /// "3 of 100 epochs, step 2811" — how far the run got, from its log.
    static func progress(_ run: RunFolder) -> String {
        let entries = run.log.epochEntries
        let step = run.log.entries.compactMap(\.step).max()
        let stepText = step.map { ", generator step \($0)" } ?? ""
        if let iterations = run.settings["iterations"]?.number {
            return "\(JSONValue.format(Double(step ?? 0))) of \(JSONValue.format(iterations)) iterations"
        }
        let whole = entries.filter { !$0.partial }.compactMap(\.epoch).max() ?? 0
        let total = run.settings["epochs"]?.displayText ?? "?"
        let partial = entries.last?.partial == true ? ", stopped inside epoch \(whole + 1)" : ""
        return "\(whole) of \(total) epochs\(partial)\(stepText)"
    }

    /// What the run ran on, and how long its epochs took.
    static func system(_ run: RunFolder) -> [(String, String)] {
        var rows: [(String, String)] = []
        let record = run.record
        if let version = record["version"] { rows.append(("wgan version", version.displayText)) }
        if let started = record["started"] { rows.append(("started", started.displayText)) }
        if case .array(let times)? = record["resumed"] { rows.append(("resumed", times.map(\.displayText).joined(separator: ", "))) }
        if let blas = record["blas"] { rows.append(("BLAS kernel", blas.displayText)) }
        if let threads = run.settings["threads"] { rows.append(("threads", threads.displayText)) }
        if run.isToy, let name = run.settings["dataset"] {
            // A toy run's points are drawn, not read: its record's image count and folder mean nothing.
            rows.append(("dataset", "\(name.displayText), 2-D points"))
        } else if let dataset = record["dataset"]?.dictionary {
            let size = [dataset["height"], dataset["width"]].compactMap { $0?.displayText }.joined(separator: "×")
            let text = [dataset["name"]?.displayText, dataset["images"].map { "\($0.displayText) images" },
                        size.isEmpty ? nil : size].compactMap { $0 }.joined(separator: ", ")
            rows.append(("dataset", text))
            if let folder = dataset["directory"] { rows.append(("data folder", folder.displayText)) }
            if let names = classNames(run) { rows.append(("classes", "\(names.count): " + names.joined(separator: ", "))) }
        }
        let seconds = run.epochSeconds.map(\.seconds)
        if !seconds.isEmpty {
            let total = seconds.reduce(0, +)
            rows.append(("time per epoch", String(format: "%.2f s on average over %d epoch%@ (%.2f–%.2f s); %.1f s in all", total / Double(seconds.count),
                                                  seconds.count, seconds.count == 1 ? "" : "s", seconds.min()!, seconds.max()!, total)))
        }
        return rows
    }

    /// A conditional run's class names, in label order (the grids' columns), from config.json.
    static func classNames(_ run: RunFolder) -> [String]? {
        guard run.settings["conditional"] == .bool(true), case .array(let names)? = run.record["dataset"]?.dictionary?["classes"] else { return nil }
        let strings = names.compactMap(\.string)
        return strings.count == names.count && !strings.isEmpty ? strings : nil
    }

    /// "1.2 MB", "830 kB", "12 bytes".
    static func byteCount(_ bytes: Int) -> String {
        if bytes >= 1_000_000 { return String(format: "%.1f MB", Double(bytes) / 1e6) }
        if bytes >= 1_000 { return String(format: "%.0f kB", Double(bytes) / 1e3) }
        return "\(bytes) bytes"
    }
}
