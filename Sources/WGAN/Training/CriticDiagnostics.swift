import Foundation
import WGANEngine
import WGANModels
import WGANNN

/// `--diagnostics`: the 2-norm of each critic parameter's gradient, averaged over an epoch's
/// critic steps, and the critic's weights for a histogram — what shows weight clipping's
/// pathologies (gradients that vanish or explode from layer to layer, weights piled at ±c) on a
/// person's own data.
final class CriticDiagnostics {
    private let names: [String]
    private var sums: [Double]
    private var steps = 0

    init(critic: Module) {
        names = critic.namedParameters.map(\.name)
        sums = [Double](repeating: 0, count: names.count)
    }

    /// Adds one critic step's gradient norms.
    func record(_ result: CriticStepResult) {
        for (i, gradient) in result.criticGradients.enumerated() where i < sums.count {
            let values = gradient.scalars
            sums[i] += values.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        }
        steps += 1
    }

    /// Each parameter's mean gradient norm since the last `reset`, by name; nil before any step.
    var means: [String: Double]? {
        guard steps > 0 else { return nil }
        return Dictionary(uniqueKeysWithValues: zip(names, sums.map { $0 / Double(steps) }))
    }

    func reset() {
        sums = sums.map { _ in 0 }
        steps = 0
    }

    /// Every weight of the critic (biases left out: they are not what clipping piles up), by layer.
    static func weights(of critic: Module) -> [(name: String, values: [Float])] {
        critic.namedParameters.filter { $0.name.hasSuffix("weight") }.map { ($0.name, $0.tensor.scalars) }
    }
}
