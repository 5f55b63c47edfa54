import Foundation
import WGANEngine

/// A toy run's frame: the critic's value surface with the real and generated points on top.
enum ToyFrame {
    static func write(_ snapshot: ToySnapshot, title: String, to urls: [URL]) throws(TrainingError) {
        // Drawn by the plotting module (pending).
    }
}

/// `--diagnostics`' histogram of the critic's weights (pending the plotting module).
enum WeightHistogram {
    static func write(_ weights: [(name: String, values: [Float])], title: String, to url: URL) throws(TrainingError) {}
}
extension ToyFrame {
    static func writeScatter(_ points: Tensor, to url: URL) throws(TrainingError) {}
}

enum Figure1Plots {
    static func drawSurfaces(_ surfaces: [Figure1Experiment.Surface], to url: URL) throws(TrainingError) {}
    static func drawGradientNorms(_ critics: [Figure1Experiment.DeepCritic], to url: URL) throws(TrainingError) {}
    static func drawHistograms(_ histograms: [WeightStatistics], to url: URL) throws(TrainingError) {}
}
