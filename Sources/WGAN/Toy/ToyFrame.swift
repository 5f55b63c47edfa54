import Foundation

/// A toy run's frame: the critic's value surface with the real and generated points on top.
enum ToyFrame {
    static func write(_ snapshot: ToySnapshot, title: String, to urls: [URL]) throws(TrainingError) {
        // Drawn by the plotting module (pending).
    }
}
