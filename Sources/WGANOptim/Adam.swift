import CKernels
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

    // Holds decayed gradients alive for the duration of one step.
    private var decayedGradients: [TensorStorage] = []

    public func step() {
        stepCount += 1
        defer { decayedGradients.removeAll() }
        let t = Double(stepCount)
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(beta1), t)))
        let correction2Root = Float((1 - pow(Double(beta2), t)).squareRoot())
        let (b1, b2, eps, decay) = (beta1, beta2, self.eps, weightDecay)
        for (i, parameter) in parameters.enumerated() {
            guard let grad = parameter.grad else { continue }
            let p = parameter.storage.pointer, m = exponentialAverage.slots[i].pointer
            let v = exponentialAverageSquared.slots[i].pointer
            let g = decay == 0 ? grad.storage.pointer : withDecay(grad, parameter, decay)
            Parallel.forEachRange(parameter.count) { range in
                wgan_adam_update(p + range.lowerBound, g + range.lowerBound, m + range.lowerBound, v + range.lowerBound,
                                 range.count, b1, b2, stepSize, correction2Root, eps)
            }
        }
    }

    /// g + decay·p (PyTorch's L2 weight decay), in a buffer kept until the next call.
    private func withDecay(_ grad: Tensor, _ parameter: Tensor, _ decay: Float) -> UnsafeMutablePointer<Float> {
        let out = TensorStorage(uninitializedCount: grad.count)
        let g = grad.storage.pointer, p = parameter.storage.pointer
        for j in 0..<grad.count { out.pointer[j] = g[j] + decay * p[j] }
        decayedGradients.append(out)
        return out.pointer
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
