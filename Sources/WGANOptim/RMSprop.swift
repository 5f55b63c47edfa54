import WGANEngine

/// RMSprop as PyTorch's default (no momentum, not centred): v ← αv + (1−α)g²,
/// p ← p − lr·g / (√v + eps). The original WGAN trains with it.
public final class RMSprop: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let alpha: Float, eps: Float
    public private(set) var stepCount = 0
    private var squareAverage: SlotBuffers

    public init(parameters: [Tensor], learningRate: Float = 1e-2, alpha: Float = 0.99, eps: Float = 1e-8) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.alpha = alpha
        self.eps = eps
        squareAverage = SlotBuffers("square_avg", for: parameters)
    }

    public func step() {
        stepCount += 1
        let (lr, alpha, eps) = (learningRate, alpha, eps)
        for (i, parameter) in parameters.enumerated() {
            guard let grad = parameter.grad else { continue }
            let p = parameter.storage.pointer, g = grad.storage.pointer, v = squareAverage.slots[i].pointer
            for j in 0..<parameter.count {
                v[j] = alpha * v[j] + (1 - alpha) * g[j] * g[j]
                p[j] -= lr * g[j] / (v[j].squareRoot() + eps)
            }
        }
    }

    public var state: [(name: String, values: [Float])] { [("step", [Float(stepCount)])] + squareAverage.named }

    public func loadState(_ values: [String: [Float]]) throws {
        let count = try loadStepCount(values)
        try squareAverage.load(values)
        stepCount = count
    }
}
