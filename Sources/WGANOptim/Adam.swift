import Foundation
import WGANEngine

/// Adam with PyTorch's exact update (bias-corrected moments, eps added after the square root
/// of the corrected second moment):
///
///     m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
///     p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + eps)
public final class Adam: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    public private(set) var stepCount = 0
    private var exponentialAverage: SlotBuffers
    private var exponentialAverageSquared: SlotBuffers

    public init(parameters: [Tensor], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                eps: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        (beta1, beta2) = betas
        self.eps = eps
        self.weightDecay = weightDecay
        exponentialAverage = SlotBuffers("exp_avg", for: parameters)
        exponentialAverageSquared = SlotBuffers("exp_avg_sq", for: parameters)
    }

    public func step() {
        stepCount += 1
        let t = Double(stepCount)
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(beta1), t)))
        let correction2Root = Float((1 - pow(Double(beta2), t)).squareRoot())
        let (b1, b2, eps, decay) = (beta1, beta2, self.eps, weightDecay)
        for (i, parameter) in parameters.enumerated() {
            guard let grad = parameter.grad else { continue }
            let p = parameter.storage.pointer, g = grad.storage.pointer
            let m = exponentialAverage.slots[i].pointer, v = exponentialAverageSquared.slots[i].pointer
            for j in 0..<parameter.count {
                let gj = decay == 0 ? g[j] : g[j] + decay * p[j]
                m[j] += (1 - b1) * (gj - m[j])  // PyTorch's lerp form of β₁m + (1−β₁)g
                v[j] = b2 * v[j] + (1 - b2) * gj * gj
                p[j] -= stepSize * m[j] / (v[j].squareRoot() / correction2Root + eps)
            }
        }
    }

    public var state: [(name: String, values: [Float])] {
        [("step", [Float(stepCount)])] + exponentialAverage.named + exponentialAverageSquared.named
    }

    public func loadState(_ values: [String: [Float]]) throws {
        let count = try loadStepCount(values)
        try exponentialAverage.load(values)
        try exponentialAverageSquared.load(values)
        stepCount = count
    }
}
