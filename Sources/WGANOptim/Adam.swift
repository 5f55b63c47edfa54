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

    public func step() {
        update(parameters.map { $0.grad.map { [$0] } ?? [] })
    }

    /// The update with each gradient given in parts, added inside the update's own pass.
    public func step(gradientParts: [[Tensor]]) {
        precondition(gradientParts.count == parameters.count, "one list of gradient parts per parameter")
        update(gradientParts)
    }

    private func update(_ gradientParts: [[Tensor]]) {
        stepCount += 1
        let t = Double(stepCount)
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(beta1), t)))
        let correction2Root = Float((1 - pow(Double(beta2), t)).squareRoot())
        let (b1, b2, eps, decay) = (beta1, beta2, self.eps, weightDecay)
        for (i, (parameter, parts)) in zip(parameters, gradientParts).enumerated() where !parts.isEmpty {
            let p = parameter.storage.pointer, m = exponentialAverage.slots[i].pointer
            let v = exponentialAverageSquared.slots[i].pointer
            // The kernel adds up to two parts itself; more are summed first.
            var first = parts[0], second: Tensor? = parts.count > 1 ? parts[1] : nil
            if parts.count > 2 { first = withoutGrad { parts.dropLast().dropFirst().reduce(first, +) }; second = parts.last }
            if decay != 0 {
                first = Tensor(storage: TensorStorage(copying: withDecay(first, second, parameter, decay)), shape: parameter.shape)
                second = nil
            }
            let g = first.storage.pointer, g2 = second?.storage.pointer
            Parallel.forEachRange(parameter.count) { range in
                wgan_adam_update(p + range.lowerBound, g + range.lowerBound, g2.map { $0 + range.lowerBound },
                                 m + range.lowerBound, v + range.lowerBound, range.count, b1, b2, stepSize,
                                 correction2Root, eps)
            }
        }
    }

    /// g (+ g2) + decay·p: PyTorch's L2 weight decay.
    private func withDecay(_ grad: Tensor, _ second: Tensor?, _ parameter: Tensor, _ decay: Float) -> [Float] {
        let g = grad.storage.pointer, g2 = second?.storage.pointer, p = parameter.storage.pointer
        return (0..<grad.count).map { j in g[j] + (g2?[j] ?? 0) + decay * p[j] }
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
