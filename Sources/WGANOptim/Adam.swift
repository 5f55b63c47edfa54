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
                adamUpdate(p + range.lowerBound, g + range.lowerBound, m + range.lowerBound, v + range.lowerBound,
                           count: range.count, beta1: b1, beta2: b2, stepSize: stepSize,
                           correction2Root: correction2Root, eps: eps)
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

/// One Adam update over a block, eight lanes at a time (explicit SIMD, since the loop is
/// memory-bound and the compiler left the scalar form unvectorised).
@inline(never)
func adamUpdate(
    _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
    _ v: UnsafeMutablePointer<Float>, count: Int, beta1: Float, beta2: Float, stepSize: Float,
    correction2Root: Float, eps: Float
) {
    typealias Lanes = SIMD8<Float>
    let width = Lanes.scalarCount
    let oneMinusBeta1 = Lanes(repeating: 1 - beta1), oneMinusBeta2 = Lanes(repeating: 1 - beta2)
    let b2 = Lanes(repeating: beta2), step = Lanes(repeating: stepSize)
    let root = Lanes(repeating: correction2Root), epsilon = Lanes(repeating: eps)
    let rawP = UnsafeMutableRawPointer(p), rawG = UnsafeRawPointer(g)
    let rawM = UnsafeMutableRawPointer(m), rawV = UnsafeMutableRawPointer(v)
    var j = 0
    while j + width <= count {
        let offset = j * MemoryLayout<Float>.stride
        let gj = rawG.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
        var mj = rawM.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
        var vj = rawV.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
        var pj = rawP.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
        mj += oneMinusBeta1 * (gj - mj)  // PyTorch's lerp form of β₁m + (1−β₁)g
        vj = b2 * vj + oneMinusBeta2 * gj * gj
        pj -= step * mj / (vj.squareRoot() / root + epsilon)
        rawM.storeBytes(of: mj, toByteOffset: offset, as: Lanes.self)
        rawV.storeBytes(of: vj, toByteOffset: offset, as: Lanes.self)
        rawP.storeBytes(of: pj, toByteOffset: offset, as: Lanes.self)
        j += width
    }
    while j < count {
        let gj = g[j]
        m[j] += (1 - beta1) * (gj - m[j])
        v[j] = beta2 * v[j] + (1 - beta2) * gj * gj
        p[j] -= stepSize * m[j] / (v[j].squareRoot() / correction2Root + eps)
        j += 1
    }
}
