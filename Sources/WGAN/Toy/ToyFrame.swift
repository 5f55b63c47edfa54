import Foundation
import WGANEngine
import WGANFiles
import WGANPlot

/// The toy experiments' pictures, drawn as the official gan_toy.py draws its frames: the
/// critic's value over [−3, 3]² as a filled contour map, real points orange, generated green.
enum ToyFrame {
    /// A frame, written to each of `urls` (a run's numbered frame and its `figure.png`).
    static func write(_ snapshot: ToySnapshot, title: String, to urls: [URL]) throws(TrainingError) {
        let figure = Figure(width: 640, height: 560)
        drawSurface(snapshot.surface, real: snapshot.real, fake: snapshot.generated, on: figure.axes)
        var heading = title
        if let coverage = snapshot.coverage {
            heading += String(format: " — %d of %d modes, %.1f%% high quality", coverage.coveredModes,
                              coverage.highQualityPerMode.count, 100 * coverage.highQualityShare)
        }
        figure.axes.title = heading
        try save(figure, to: urls)
    }

    /// The critic's surface with real (orange) and generated (green) points over it.
    static func drawSurface(_ surface: [Float], real: [Float], fake: [Float], on axes: Axes, legend: Bool = true) {
        let extent = Double(ToySnapshot.extent), n = ToySnapshot.resolution
        axes.filledContour(surface, columns: n, rows: n, xRange: (-extent, extent), yRange: (-extent, extent), contourLevels: 12)
        axes.scatter(xs(real), ys(real), color: .orange, size: 2, label: legend ? "real" : nil)
        axes.scatter(xs(fake), ys(fake), color: .green, size: 2, label: legend ? "generated" : nil)
        axes.xLabel = "x"
        axes.yLabel = "y"
    }

    /// `wgan sample --out X.png` for a toy model: the points as a scatter plot.
    static func writeScatter(_ points: Tensor, to url: URL) throws(TrainingError) {
        let values = points.scalars
        let figure = Figure(width: 560, height: 560)
        figure.axes.scatter(xs(values), ys(values), color: .green, size: 1.5)
        figure.axes.title = "\(points.shape[0]) generated points"
        figure.axes.xLabel = "x"
        figure.axes.yLabel = "y"
        try save(figure, to: url)
    }

    static func xs(_ points: [Float]) -> [Double] { stride(from: 0, to: points.count - 1, by: 2).map { Double(points[$0]) } }
    static func ys(_ points: [Float]) -> [Double] { stride(from: 1, to: points.count, by: 2).map { Double(points[$0]) } }

    static func save(_ figure: Figure, to url: URL) throws(TrainingError) { try save(figure, to: [url]) }

    /// Writes `figure` as a PNG to each of `urls`, atomically; it is drawn once.
    static func save(_ figure: Figure, to urls: [URL]) throws(TrainingError) {
        let bytes: [UInt8]
        do {
            bytes = try figure.pngData()
        } catch {
            throw .output(path: urls.first?.path ?? "", problem: error.description)
        }
        for url in urls {
            do {
                try Files.write(bytes, to: url.path)
            } catch {
                throw .output(path: url.path, failure: error)
            }
        }
    }
}

/// `--diagnostics`' histogram of the critic's weights, one colour per layer.
enum WeightHistogram {
    static func write(_ weights: [(name: String, values: [Float])], title: String, to url: URL) throws(TrainingError) {
        let figure = Figure(width: 640, height: 420)
        let all = weights.flatMap(\.values).map(Double.init).filter(\.isFinite)
        let range = (all.min() ?? -1, all.max() ?? 1)
        for (i, layer) in weights.enumerated() {
            figure.axes.histogram(layer.values.map(Double.init), bins: 80, range: range,
                                  color: PlotColor.cycle[i % PlotColor.cycle.count].withAlpha(0.6), label: layer.name)
        }
        figure.axes.yScale = .log
        figure.axes.title = title
        figure.axes.xLabel = "weight"
        figure.axes.yLabel = "count (log scale)"
        try ToyFrame.save(figure, to: url)
    }
}
