import WGANFiles
import WGANPlot

/// A run's log as curves: every numeric key of its lines (and the Wasserstein estimate derived
/// from them), against epochs or generator steps.
struct RunCurves {
    let run: RunFolder
    let x: Charts.XAxis
    /// The epoch lines and the step lines as points: x and the values with the estimates added,
    /// computed once (a long run logs hundreds of thousands of steps).
    private let epochPoints: [Point], stepPoints: [Point]

    private struct Point {
        let x: Double
        let partial: Bool
        let values: [String: Double]
    }

    /// Step lines, iteration-counted runs and toy runs (whose "epochs" are frames) are drawn
    /// against generator steps; the rest against epochs.
    init(_ run: RunFolder, x: Charts.XAxis? = nil) {
        self.run = run
        let x = x ?? (run.log.stepEntries.isEmpty && run.settings["iterations"]?.number == nil && !run.isToy ? .epoch : .step)
        self.x = x
        let estimate = run.wasserstein
        func points(_ entries: [RunLog.Entry]) -> [Point] {
            entries.compactMap { entry in
                x.x(of: entry).map { Point(x: $0, partial: entry.partial, values: estimate.adding(to: entry.values)) }
            }
        }
        epochPoints = points(run.log.epochEntries)
        stepPoints = points(run.log.stepEntries)
    }

    /// Every curve's key in the epoch lines (`seconds` and all), ordered for reading.
    var epochKeys: [String] { RunLog.orderedKeys(epochPoints.flatMap(\.values.keys)) }
    var stepKeys: Set<String> { Set(stepPoints.flatMap(\.values.keys)) }
    var groupKeys: [String] { Set(run.log.epochEntries.flatMap(\.groups.keys)).sorted() }

    /// The epoch lines' values of `key`, partial epochs included.
    func epochLine(_ key: String) -> (xs: [Double], ys: [Double]) { line(key, epochPoints) }
    /// The `--log-every` lines' values of `key`, at most `stepLimit` of them, evenly spaced:
    /// a long run logged every step would otherwise put hundreds of thousands of points in each plot.
    func stepLine(_ key: String) -> (xs: [Double], ys: [Double]) {
        let all = line(key, stepPoints)
        guard all.xs.count > Self.stepLimit else { return all }
        let picked = (0..<Self.stepLimit).map { $0 * (all.xs.count - 1) / (Self.stepLimit - 1) }
        return (picked.map { all.xs[$0] }, picked.map { all.ys[$0] })
    }

    static let stepLimit = 2_000

    /// The points of epochs the run stopped inside.
    func partialPoints(_ key: String) -> [(Double, Double)] {
        epochPoints.filter(\.partial).compactMap { point in point.values[key].map { (point.x, $0) } }
    }

    /// A score against training time, beside its panel against iterations (the paper's Figure 3),
    /// for a run whose log has the time; nil for other keys and older runs.
    private func timePanel(_ key: String, id: String) -> String? {
        guard RunLog.scoreKeys.contains(key) else { return nil }
        let timed = run.log.entries.filter { !$0.partial && $0.values[key] != nil && $0.values[RunLog.trainingTimeKey] != nil }
        guard let longest = timed.compactMap({ $0.values[RunLog.trainingTimeKey] }).max() else { return nil }
        let axis = Charts.XAxis.trainingTime(upTo: longest)
        let points = timed.compactMap { entry in axis.x(of: entry).map { ($0, entry.values[key]!) } }
        return Charts.panel(title: Charts.title(key, wasserstein: run.wasserstein) + " against training time", x: axis,
                            lines: [Charts.Line(xs: points.map(\.0), ys: points.map(\.1), color: .green)], id: id)
    }

    private func line(_ key: String, _ points: [Point]) -> (xs: [Double], ys: [Double]) {
        var xs: [Double] = [], ys: [Double] = []
        for point in points {
            guard let y = point.values[key] else { continue }
            xs.append(point.x)
            ys.append(y)
        }
        return (xs, ys)
    }

    /// The panels of one run: a panel per key with its epoch means, its `--log-every` steps
    /// behind them, its dev set's values dashed, and its partial epochs as red dots; a panel per
    /// group (one line per member); and the time per epoch.
    func panels() -> [String] {
        let timeKeys: Set<String> = ["seconds", RunLog.trainingTimeKey]
        let keys = epochKeys.filter { !timeKeys.contains($0) } + stepKeys.subtracting(epochKeys).subtracting(timeKeys).sorted()
        let overlaid = Set(keys.filter { $0.hasPrefix("dev_") && keys.contains(String($0.dropFirst(4))) })
        var svgs: [String] = []
        for key in keys where !overlaid.contains(key) {
            var lines: [Charts.Line] = []
            let steps = stepLine(key), epochs = epochLine(key), dev = epochLine("dev_" + key)
            let several = !steps.xs.isEmpty || overlaid.contains("dev_" + key)
            if !steps.xs.isEmpty && epochs.xs.isEmpty && !overlaid.contains("dev_" + key) {
                // Logged at steps only (an --iterations run's evaluations): the curve itself.
                lines.append(Charts.Line(xs: steps.xs, ys: steps.ys, color: .blue))
            } else if !steps.xs.isEmpty {
                let every = run.settings["log_every"]?.number.map { $0 == 1 ? "every step" : "every \(JSONValue.format($0)) steps" } ?? "logged steps"
                lines.append(Charts.Line(label: every, xs: steps.xs, ys: steps.ys, color: PlotColor(hex: 0x9CC3E4), width: 1))
            }
            if !epochs.xs.isEmpty {
                lines.append(Charts.Line(label: several ? "epoch mean" : nil, xs: epochs.xs, ys: epochs.ys, color: .blue))
            }
            if overlaid.contains("dev_" + key) {
                lines.append(Charts.Line(label: "dev", xs: dev.xs, ys: dev.ys, color: .orange, dashed: true))
            }
            svgs.append(Charts.panel(title: Charts.title(key, wasserstein: run.wasserstein), x: x, lines: lines,
                                     partial: partialPoints(key), id: "c\(svgs.count)"))
            if let panel = timePanel(key, id: "c\(svgs.count)") { svgs.append(panel) }
        }
        for group in groupKeys {
            let members = Set(run.log.epochEntries.flatMap { Array(($0.groups[group] ?? [:]).keys) }).sorted()
            let lines = members.map { member in
                let points = run.log.epochEntries.compactMap { entry in
                    x.x(of: entry).flatMap { x in entry.groups[group]?[member].map { (x, $0) } }
                }
                return Charts.Line(label: member, xs: points.map(\.0), ys: points.map(\.1))
            }
            svgs.append(Charts.panel(title: group, x: x, lines: lines, logScale: true, id: "c\(svgs.count)"))
        }
        let times = line("seconds", epochPoints.filter { !$0.partial })
        if !times.xs.isEmpty {
            let title = Charts.title("seconds", wasserstein: run.wasserstein)
            svgs.append(Charts.panel(title: title, x: x, lines: [Charts.Line(xs: times.xs, ys: times.ys)], id: "c\(svgs.count)"))
        }
        return svgs
    }
}
