import WGANEngine

/// Stochastic gradient descent, with optional momentum as PyTorch's (buffer ← μ·buffer + g,
/// the first step taking g itself; p ← p − lr·buffer).
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let momentum: Float
    public private(set) var stepCount = 0
    private var momentumBuffer: SlotBuffers

    public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        momentumBuffer = SlotBuffers("momentum_buffer", for: parameters)
    }

    public func step() {
        stepCount += 1
        let (lr, mu, first) = (learningRate, momentum, stepCount == 1)
        for (i, parameter) in parameters.enumerated() {
            guard let grad = parameter.grad else { continue }
            let p = parameter.storage.pointer, g = grad.storage.pointer, b = momentumBuffer.slots[i].pointer
            for j in 0..<parameter.count {
                if mu == 0 { p[j] -= lr * g[j]; continue }
                b[j] = first ? g[j] : mu * b[j] + g[j]
                p[j] -= lr * b[j]
            }
        }
    }

    public var state: [(name: String, values: [Float])] { [("step", [Float(stepCount)])] + momentumBuffer.named }

    public func loadState(_ values: [String: [Float]]) throws {
        let count = try loadStepCount(values)
        try momentumBuffer.load(values)
        stepCount = count
    }
}
