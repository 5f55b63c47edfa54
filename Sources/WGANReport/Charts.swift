import Foundation
import WGANFiles
import WGANPlot

/// The report's plots: one panel per logged key, drawn by WGANPlot and inlined as SVG.
enum Charts {
    /// One line of a panel.
    struct Line {
        var label: String?
        var xs: [Double], ys: [Double]
        var color: PlotColor? = nil
        var width = 1.8
        var dashed = false
    }

    /// The axis curves are drawn against.
    enum XAxis {
        case epoch, step
        /// The run's training time (`training_seconds`) in minutes or hours.
        case minutes, hours

        var label: String {
            switch self {
            case .epoch: "epoch"
            case .step: "generator step"
            case .minutes: "training time (minutes)"
            case .hours: "training time (hours)"
            }
        }

        func x(of entry: RunLog.Entry) -> Double? {
            switch self {
            case .epoch: entry.epoch.map(Double.init)
            case .step: entry.step.map(Double.init)
            case .minutes: entry.values[RunLog.trainingTimeKey].map { $0 / 60 }
            case .hours: entry.values[RunLog.trainingTimeKey].map { $0 / 3600 }
            }
        }

        /// Minutes for a run of up to three hours, hours beyond.
        static func trainingTime(upTo seconds: Double) -> XAxis { seconds > 3 * 3600 ? .hours : .minutes }
    }

    static let width = 560, height = 330

    /// A panel of `lines` (and red dots at `partial` points) as an inline SVG element.
    static func panel(title: String, x: XAxis, lines: [Line], partial: [(Double, Double)] = [],
                      logScale: Bool = false, id: String) -> String {
        let figure = Figure(width: width, height: height)
        let axes = figure.axes
        axes.title = title
        axes.xLabel = x.label
        // A run without the key stays out of the legend.
        for line in lines where !line.xs.isEmpty {
            // Markers make a curve of one or a few points visible at all.
            axes.plot(line.xs, line.ys, color: line.color, width: line.width, label: line.label, dashed: line.dashed,
                      markers: line.xs.count <= 30 && line.width >= 1.5)
        }
        if !partial.isEmpty {
            axes.scatter(partial.map(\.0), partial.map(\.1), color: .red, size: 4.5, label: "partial epoch")
        }
        let ys = lines.flatMap(\.ys).filter(\.isFinite)
        if logScale, !ys.isEmpty, ys.allSatisfy({ $0 > 0 }), (ys.max() ?? 1) / (ys.min() ?? 1) > 20 { axes.yScale = .log }
        if x == .epoch { axes.xTicks = integerTicks(lines.flatMap(\.xs)) }
        axes.legendLocation = .upperRight
        return svg(figure, id: id)
    }

    /// Whole-number ticks for an epoch axis of a few epochs (nice ticks would give halves);
    /// nil, leaving the ticks to WGANPlot, for a longer one.
    private static func integerTicks(_ xs: [Double]) -> [(Double, String)]? {
        let finite = xs.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), high - low <= 12 else { return nil }
        return (Int(low.rounded(.down))...Int(high.rounded(.up))).map { (Double($0), String($0)) }
    }

    /// A panel's title: what the key measures, then the key itself as the log names it.
    static func title(_ key: String, wasserstein: WassersteinEstimate) -> String {
        let dev = key.hasPrefix("dev_")
        let base = dev ? String(key.dropFirst(4)) : key
        let known: [String: String] = [
            "D_loss": "critic loss", "G_loss": "generator loss", "gp": "gradient penalty", "fid": "FID",
            "inception_score": "Inception score", "kid": "KID", "acgan_loss": "AC-GAN cross-entropy on real images",
            "acgan_acc_real": "critic's class accuracy on real images", "acgan_acc_fake": "critic's class accuracy on generated images", "seconds": "time per epoch", "modes_covered": "modes covered", "high_quality": "share of high-quality samples",
        ]
        if base == WassersteinEstimate.key {
            let formula = wasserstein.lambda.map { "−D_loss + \(JSONValue.format($0))·gp" } ?? "−D_loss"
            return (dev ? "dev " : "") + "Wasserstein estimate (\(formula))"
        }
        guard let name = known[base] else { return key }
        return (dev ? "dev " : "") + "\(name) (\(key))"
    }

    /// The figure as an `<svg>` element whose ids are its own: Cairo names its glyphs and clip
    /// paths `glyph0-1`, `clip1`, … in every file, and in one HTML page every `<use>` would
    /// otherwise draw the first figure's glyphs.
    static func svg(_ figure: Figure, id: String) -> String {
        do {
            var svg = try figure.svgString()
            if let start = svg.range(of: "<svg") { svg = String(svg[start.lowerBound...]) }
            for (from, to) in [("id=\"", "id=\"\(id)-"), ("href=\"#", "href=\"#\(id)-"), ("url(#", "url(#\(id)-")] {
                svg = svg.replacingOccurrences(of: from, with: to)
            }
            // Cairo draws text as glyph outlines: the label is the title's only text in the page.
            return svg.replacingOccurrences(of: "<svg", with: "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTML.escape(figure.axes.title))\"",
                                            options: .anchored)
        } catch {
            return "<p class=\"problem\">\(HTML.escape("\(figure.axes.title): \(error.description)"))</p>"
        }
    }
}
