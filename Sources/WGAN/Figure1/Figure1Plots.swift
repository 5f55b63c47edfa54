import Foundation
import WGANPlot

/// Figure 1's three figures, laid out as the paper's.
enum Figure1Plots {
    /// (a): one column per toy set, clipping on top, the penalty below.
    static func drawSurfaces(_ surfaces: [Figure1Experiment.Surface], to url: URL) throws(TrainingError) {
        let datasets = surfaces.reduce(into: [String]()) { if !$0.contains($1.dataset) { $0.append($1.dataset) } }
        let figure = Figure(width: 420 * max(1, datasets.count), height: 820, rows: 2, columns: max(1, datasets.count))
        figure.title = "(a) value surfaces of critics trained against a fixed generator (real orange, fake green)"
        for surface in surfaces {
            guard let column = datasets.firstIndex(of: surface.dataset) else { continue }
            let row = surface.constraint.label == "gp" ? 1 : 0
            let axes = figure[row, column]
            ToyFrame.drawSurface(surface.values, real: surface.real, fake: surface.fake, on: axes, legend: false)
            axes.title = "\(surface.dataset): \(surface.constraint)"
        }
        try ToyFrame.save(figure, to: url)
    }

    /// (b): the gradient norm per layer, log scale, one line per constraint.
    static func drawGradientNorms(_ critics: [Figure1Experiment.DeepCritic], to url: URL) throws(TrainingError) {
        let figure = Figure(width: 720, height: 480)
        let axes = figure.axes
        let colors: [PlotColor] = [.blue, .orange, .green, .red]
        for (i, critic) in critics.enumerated() {
            axes.plot(critic.gradientNorms.indices.map { Double($0 + 1) }, critic.gradientNorms,
                      color: colors[i % colors.count], label: critic.constraint.label == "gp" ? "gradient penalty" : "weight clipping, c = \(critic.constraint.label.dropFirst(5))",
                      dashed: critic.constraint.label != "gp", markers: true)
        }
        axes.yScale = .log
        axes.legendLocation = .lowerRight
        let layers = critics.map(\.gradientNorms.count).max() ?? 1
        axes.xTicks = (1...max(1, layers)).map { (Double($0), "\($0)") }
        axes.xLimits = (0.5, Double(layers) + 0.5)
        axes.title = "(b) gradient norm of the critic loss per layer, deep critic on the Swiss roll"
        axes.xLabel = "critic layer (1 = nearest the input)"
        axes.yLabel = "gradient norm (log scale)"
        try ToyFrame.save(figure, to: url)
    }

    /// (c): weight histograms, clipping beside the penalty.
    static func drawHistograms(_ histograms: [WeightStatistics], to url: URL) throws(TrainingError) {
        let shown = histograms.filter { $0.constraint.label == "clip 0.01" || $0.constraint.label == "gp" }
        let figure = Figure(width: 420 * max(1, shown.count), height: 420, rows: 1, columns: max(1, shown.count))
        figure.title = "(c) critic weights: clipping piles them at ±c, the penalty does not"
        for (i, histogram) in shown.enumerated() {
            let axes = figure[0, i]
            axes.bars(edges: histogram.edges, heights: histogram.counts.map(Double.init),
                      color: histogram.constraint.label == "gp" ? .blue : .orange)
            axes.title = "\(histogram.constraint)" + (histogram.shareAtBounds.map { String(format: ": %.0f%% at ±c", 100 * $0) } ?? "")
            axes.xLabel = "weight"
            axes.yLabel = i == 0 ? "count" : ""
        }
        try ToyFrame.save(figure, to: url)
    }
}
