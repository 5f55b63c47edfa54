import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementwise functions. Rules that need the op's output (exp, sqrt, tanh, sigmoid) take it
/// from the saved storage when the backward pass is not recorded, and recompute it from the
/// input when it is, so that the output is itself differentiable and no cycle is formed
/// (a rule never holds its own output tensor).
extension Tensor {
    /// The saved output as a constant, or recomputed through the graph when recording.
    private func savedOutput(_ storage: TensorStorage, shape: [Int], recompute: () -> Tensor) -> Tensor {
        GradMode.isEnabled ? recompute() : Tensor(storage: storage, shape: shape)
    }

    public func square() -> Tensor {
        let out = Elementwise.map(storage) { $0 * $0 }
        let x = self
        return .result(out, shape: shape, op: "square", inputs: [x]) { g, _ in [g * x.scaled(by: 2)] }
    }

    public func sqrt() -> Tensor {
        let out = Elementwise.map(storage) { $0.squareRoot() }
        let x = self
        return .result(out, shape: shape, op: "sqrt", inputs: [x]) { g, _ in
            [g / x.savedOutput(out, shape: x.shape) { x.sqrt() }.scaled(by: 2)]
        }
    }

    public func exp() -> Tensor {
        let out = Elementwise.map(storage) { expf($0) }
        let x = self
        return .result(out, shape: shape, op: "exp", inputs: [x]) { g, _ in
            [g * x.savedOutput(out, shape: x.shape) { x.exp() }]
        }
    }

    public func log() -> Tensor {
        let out = Elementwise.map(storage) { logf($0) }
        let x = self
        return .result(out, shape: shape, op: "log", inputs: [x]) { g, _ in [g / x] }
    }

    public func tanh() -> Tensor {
        let out = TensorStorage(uninitializedCount: count)
        let src = storage.pointer, dst = out.pointer
        Parallel.forEachRange(count) { range in
            wgan_tanh(src + range.lowerBound, dst + range.lowerBound, range.count)
        }
        let x = self
        return .result(out, shape: shape, op: "tanh", inputs: [x]) { g, needs in
            [Tensor.tanhBackward(g, output: x.savedOutput(out, shape: x.shape) { x.tanh() })]
        }
    }

    /// g·(1 − y²) where y = tanh(x): PyTorch's `tanh_backward`, an op of its own so that its
    /// derivative with respect to y can be written directly.
    static func tanhBackward(_ g: Tensor, output y: Tensor) -> Tensor {
        let out = Elementwise.zip(g.storage, y.storage) { g, y in g * (1 - y * y) }
        return .result(out, shape: g.shape, op: "tanhBackward", inputs: [g, y]) { gg, needs in
            [needs[0] ? tanhBackward(gg, output: y) : nil,
             needs[1] ? (gg * g * y).scaled(by: -2) : nil]
        }
    }

    public func sigmoid() -> Tensor {
        let out = Elementwise.map(storage) { 1 / (1 + expf(-$0)) }
        let x = self
        return .result(out, shape: shape, op: "sigmoid", inputs: [x]) { g, _ in
            [Tensor.sigmoidBackward(g, output: x.savedOutput(out, shape: x.shape) { x.sigmoid() })]
        }
    }

    /// g·y·(1 − y) where y = sigmoid(x).
    static func sigmoidBackward(_ g: Tensor, output y: Tensor) -> Tensor {
        let out = Elementwise.zip(g.storage, y.storage) { g, y in g * y * (1 - y) }
        return .result(out, shape: g.shape, op: "sigmoidBackward", inputs: [g, y]) { gg, needs in
            [needs[0] ? sigmoidBackward(gg, output: y) : nil,
             needs[1] ? gg * g * (1 - y.scaled(by: 2)) : nil]
        }
    }

    /// log(1 + eˣ), computed as max(x, 0) + log(1 + e^(−|x|)) so that no exponential overflows;
    /// its derivative is sigmoid(x), itself differentiable. softplus(−x) is the sigmoid
    /// cross-entropy of logit x against label 1, softplus(x) against label 0.
    public func softplus() -> Tensor {
        let out = Elementwise.map(storage) { max($0, 0) + log1pf(expf(-abs($0))) }
        let x = self
        return .result(out, shape: shape, op: "softplus", inputs: [x]) { g, _ in [g * x.sigmoid()] }
    }

    public func relu() -> Tensor { leakyReLU(negativeSlope: 0) }

    /// x where x > 0, else slope·x.
    public func leakyReLU(negativeSlope slope: Float = 0.01) -> Tensor {
        let out = Elementwise.map(storage) { $0 > 0 ? $0 : $0 * slope }
        let mask = storage
        return .result(out, shape: shape, op: "leakyReLU", inputs: [self]) { g, _ in
            [Tensor.leakyReLUBackward(g, mask: mask, negativeSlope: slope)]
        }
    }

    /// g where x > 0, else slope·g. Linear in g, and constant in x almost everywhere, so its own
    /// derivative is itself with respect to g and zero with respect to x, which is therefore
    /// held as a constant mask rather than an input.
    static func leakyReLUBackward(_ g: Tensor, mask x: TensorStorage, negativeSlope slope: Float) -> Tensor {
        let out = Elementwise.zip(g.storage, x) { g, x in x > 0 ? g : g * slope }
        return .result(out, shape: g.shape, op: "leakyReLUBackward", inputs: [g]) { gg, _ in
            [leakyReLUBackward(gg, mask: x, negativeSlope: slope)]
        }
    }
}
