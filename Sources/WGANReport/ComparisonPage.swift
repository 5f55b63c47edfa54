import WGANFiles
import WGANPlot

/// Runs side by side: how their settings differ, their curves overlaid, and their last samples.
enum ComparisonPage {
    static func html(_ runs: [RunFolder]) -> String {
        let labels = runs.enumerated().map { "\($0.offset + 1): \($0.element.name)" }
        var body = "<header><h1>wgan: \(runs.count) runs compared</h1><p class=\"subtitle\">"
            + labels.map(HTML.escape).joined(separator: " · ") + "</p></header>"
        body += HTML.problems(zip(labels, runs).flatMap { label, run in run.problems.map { "run \(label): \($0)" } })
        body += "<section><h2>Runs</h2><table class=\"compare\"><tr><th>run</th><th>progress</th><th>time per epoch</th><th>folder</th></tr>"
        for (label, run) in zip(labels, runs) {
            let seconds = run.epochSeconds.map(\.seconds)
            let time = seconds.isEmpty ? "—" : String(format: "%.2f s", seconds.reduce(0, +) / Double(seconds.count))
            body += "<tr><td>\(HTML.escape(label))</td><td>\(HTML.escape(RunPage.progress(run)))</td><td>\(time)</td>"
                + "<td><code>\(HTML.escape(run.url.path))</code></td></tr>"
        }
        body += "</table></section>"
        body += settingsSection(runs, labels: labels)
        body += "<section><h2>Curves</h2><div class=\"charts\">\(panels(runs, labels: labels).joined())</div></section>"
        body += "<section><h2>Last samples</h2><div class=\"samples\">"
        for (label, run) in zip(labels, runs) {
            guard let last = run.isToy ? run.figure : run.grids.last else { continue }
            let picture = RunFolder.Picture(label: "\(label) — \(last.label)", path: last.path, png: last.png, width: last.width,
                                            height: last.height)
            body += HTML.figure(picture, scale: run.isToy ? 0.5 : 2, pixelated: !run.isToy)
        }
        body += "</div></section>"
        return HTML.page(title: "wgan: \(runs.count) runs compared", body: body)
    }

    /// The settings (and the system's lines of config.json) that differ between the runs, then,
    /// folded, those they share.
    private static func settingsSection(_ runs: [RunFolder], labels: [String]) -> String {
        let values = runs.map { run -> [String: String] in
            var values = run.settings.mapValues(\.displayText)
            for key in ["version", "blas"] { values[key] = run.record[key]?.displayText }
            values["dataset"] = run.record["dataset"]?.dictionary?["name"]?.displayText ?? values["dataset"]
            return values
        }
        let keys = Set(values.flatMap(\.keys)).sorted()
        let differing = keys.filter { key in Set(values.map { $0[key] ?? "—" }).count > 1 }
        let shared = keys.filter { !differing.contains($0) }
        var html = "<section><h2>Settings</h2>"
        if differing.isEmpty {
            html += "<p>The runs' settings are the same.</p>"
        } else {
            html += "<table class=\"compare\"><caption>settings that differ</caption><tr><th>setting</th>"
                + labels.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr>"
            for key in differing {
                html += "<tr><th>\(HTML.escape(key))</th>"
                    + values.map { "<td class=\"differs\">\(HTML.escape($0[key] ?? "—"))</td>" }.joined() + "</tr>"
            }
            html += "</table>"
        }
        if !shared.isEmpty {
            html += "<details><summary>\(shared.count) settings the runs share</summary>"
                + HTML.table(shared.map { ($0, values[0][$0] ?? "—") }, caption: "") + "</details>"
        }
        return html + "</section>"
    }

    /// A panel per key that any run logs, a line per run. Runs that count iterations (or toy
    /// runs) put every run on a step axis, as their epochs mean different things.
    private static func panels(_ runs: [RunFolder], labels: [String]) -> [String] {
        let axis: Charts.XAxis = runs.map { RunCurves($0).x }.contains(.step) ? .step : .epoch
        let curves = runs.map { RunCurves($0, x: axis) }
        let keys = RunLog.orderedKeys(curves.flatMap(\.epochKeys))
        return keys.enumerated().map { index, key in
            var partial: [(Double, Double)] = []
            let lines = zip(labels, curves).enumerated().map { number, pair in
                let (label, curve) = pair
                partial += curve.partialPoints(key)
                let line = curve.epochLine(key)
                return Charts.Line(label: label, xs: line.xs, ys: line.ys, color: PlotColor.cycle[number % PlotColor.cycle.count])
            }
            return Charts.panel(title: Charts.title(key, wasserstein: runs[0].wasserstein), x: axis, lines: lines, partial: partial, id: "c\(index)")
        }
    }
}
