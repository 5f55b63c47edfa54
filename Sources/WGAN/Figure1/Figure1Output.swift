import Foundation
import WGANFiles

/// Writes Figure 1's figures and the numbers behind them into a folder: `figure1a.png` and
/// `figure1a.json` (the value surfaces and their points), `figure1b.png` and `figure1b.csv` (the
/// gradient norm per layer), `figure1c.png` and `figure1c.csv` (the weight histograms), and
/// `figure1.json` (the settings and what each panel shows, in numbers).
public struct Figure1Output {
    public let folder: URL

    public init(folder: URL) { self.folder = folder }

    /// Bins of the weight histograms of (c).
    public static let histogramBins = 60

    /// The files `write` makes.
    public static let fileNames = ["figure1a.png", "figure1a.json", "figure1b.png", "figure1b.csv", "figure1c.png", "figure1c.csv",
                                   "figure1.json"]

    /// Throws unless `write` can go ahead without losing anything: `folder` is missing, or a folder
    /// without a Figure 1 of its own, or `replacing` says a Figure 1 there may be replaced.
    /// Checked before the experiments run, so that neither their minutes nor an earlier figure is lost.
    public func checkWritable(replacing: Bool) throws(TrainingError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else { throw .output(path: folder.path, problem: "it is a file, not a folder; choose another --out") }
        let existing = Self.fileNames.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
        guard existing.isEmpty || replacing else {
            throw .invalidSetting("--out \(folder.path) already holds a Figure 1 (\(existing.joined(separator: ", "))); "
                                  + "pass --force to replace it, or choose another --out")
        }
    }

    public func write(settings: Figure1Experiment.Settings, surfaces: [Figure1Experiment.Surface],
                      deepCritics: [Figure1Experiment.DeepCritic], seconds: Double) throws(TrainingError) {
        do {
            try Files.createFolders(folder.path)
        } catch {
            throw .output(path: folder.path, problem: error.reason)
        }
        try writeData(encodeJSON(surfaces), to: "figure1a.json")
        try writeData(Data(gradientNormsCSV(deepCritics).utf8), to: "figure1b.csv")
        let histograms = deepCritics.map { WeightStatistics(weights: $0.weights, constraint: $0.constraint, bins: Self.histogramBins) }
        try writeData(Data(histogramCSV(histograms).utf8), to: "figure1c.csv")
        try writeData(encodeJSON(Summary(settings: settings, seconds: seconds, surfaces: surfaces, deepCritics: deepCritics,
                                         histograms: histograms)), to: "figure1.json")
        try Figure1Plots.drawSurfaces(surfaces, to: url("figure1a.png"))
        try Figure1Plots.drawGradientNorms(deepCritics, to: url("figure1b.png"))
        try Figure1Plots.drawHistograms(histograms, to: url("figure1c.png"))
    }

    private func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    private func writeData(_ data: Data, to name: String) throws(TrainingError) {
        do {
            try Files.write(Array(data), to: url(name).path)
        } catch {
            throw .output(path: url(name).path, problem: error.reason)
        }
    }

    private func encodeJSON(_ value: some Encodable) throws(TrainingError) -> Data {
        do {
            var data = try JSONCoding.encoder(pretty: false).encode(value)
            data.append(UInt8(ascii: "\n"))
            return data
        } catch {
            throw .output(path: folder.path, problem: "\(error)")
        }
    }

    private func gradientNormsCSV(_ critics: [Figure1Experiment.DeepCritic]) -> String {
        var lines = ["constraint,layer,gradient_norm"]
        for critic in critics {
            for (layer, norm) in critic.gradientNorms.enumerated() { lines.append("\(critic.constraint.label),\(layer + 1),\(norm)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func histogramCSV(_ histograms: [WeightStatistics]) -> String {
        var lines = ["constraint,bin_low,bin_high,count"]
        for histogram in histograms {
            for (i, count) in histogram.counts.enumerated() {
                lines.append("\(histogram.constraint.label),\(histogram.edges[i]),\(histogram.edges[i + 1]),\(count)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What the figures show, in numbers: `figure1.json`.
    struct Summary: Encodable {
        let settings: Figure1Experiment.Settings
        let seconds: Double
        let surfaces: [SurfaceRange]
        let gradientNorms: [String: [Double]]
        let weights: [WeightStatistics]

        struct SurfaceRange: Encodable {
            let dataset: String, constraint: String, min: Float, max: Float
        }

        init(settings: Figure1Experiment.Settings, seconds: Double, surfaces: [Figure1Experiment.Surface],
             deepCritics: [Figure1Experiment.DeepCritic], histograms: [WeightStatistics]) {
            self.settings = settings
            self.seconds = seconds
            self.surfaces = surfaces.map {
                SurfaceRange(dataset: $0.dataset, constraint: $0.constraint.label, min: $0.values.min() ?? 0, max: $0.values.max() ?? 0)
            }
            gradientNorms = Dictionary(uniqueKeysWithValues: deepCritics.map { ($0.constraint.label, $0.gradientNorms) })
            weights = histograms
        }

        enum CodingKeys: String, CodingKey { case settings, seconds, surfaces, gradientNorms = "gradient_norms", weights }
    }
}

/// A deep critic's weights as (c) shows them: a histogram, and for clipping, the share piled at ±c.
struct WeightStatistics: Encodable {
    let constraint: Figure1Experiment.Constraint
    let edges: [Double]
    let counts: [Int]
    let standardDeviation: Double
    /// For clipping: the share of weights within 1% of ±c.
    let shareAtBounds: Double?

    init(weights: [Float], constraint: Figure1Experiment.Constraint, bins: Int) {
        self.constraint = constraint
        let finite = weights.filter(\.isFinite).map(Double.init)
        let bound: Double
        // Clipping's range is [−c, c]; otherwise the 99.9th percentile of |w|, so a few outliers
        // do not squeeze the bulk into a few bins.
        if case .clipping(let c) = constraint {
            bound = c
        } else {
            let magnitudes = finite.map(abs).sorted()
            bound = magnitudes.isEmpty ? 1 : magnitudes[min(magnitudes.count - 1, Int(0.999 * Double(magnitudes.count)))]
        }
        let low = -bound, width = 2 * max(bound, 1e-12) / Double(bins)
        edges = (0...bins).map { low + Double($0) * width }
        var counts = [Int](repeating: 0, count: bins)
        for w in finite { counts[min(bins - 1, max(0, Int((w - low) / width)))] += 1 }
        self.counts = counts
        let mean = finite.reduce(0, +) / Double(max(1, finite.count))
        standardDeviation = (finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, finite.count))).squareRoot()
        if case .clipping(let c) = constraint {
            shareAtBounds = Double(finite.filter { abs($0) >= 0.99 * c }.count) / Double(max(1, finite.count))
        } else {
            shareAtBounds = nil
        }
    }

    enum CodingKeys: String, CodingKey {
        case constraint, counts, edges, standardDeviation = "std", shareAtBounds = "share_at_bounds"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(constraint.label, forKey: .constraint)
        try container.encode(edges, forKey: .edges)
        try container.encode(counts, forKey: .counts)
        try container.encode(standardDeviation, forKey: .standardDeviation)
        try container.encodeIfPresent(shareAtBounds, forKey: .shareAtBounds)
    }
}

extension Figure1Experiment.Constraint {
    /// A short label for files and legends: `clip 0.01`, `gp`.
    public var label: String {
        switch self {
        case .clipping(let c): "clip \(c)"
        case .penalty: "gp"
        }
    }
}
