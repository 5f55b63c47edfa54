import WGANEngine

/// y = x·Wᵀ + b, with W of shape [out, in] as in PyTorch's `nn.Linear`.
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?

    /// How the parameters start.
    public enum Initialization: Equatable, Sendable {
        /// PyTorch's default: W from kaiming_uniform(a = √5), which is uniform in ±1/√fan_in, and
        /// b uniform in ±1/√fan_in.
        case pytorch
        /// The official WGAN-GP code's (tflib `Linear` with no initialization named): W uniform
        /// with standard deviation √(2/(fan_in + fan_out)) (Glorot & Bengio), b zero.
        case glorotUniform
        /// The official code's layers before a ReLU (tflib `initialization='he'`): W uniform with
        /// standard deviation √(2/fan_in) (He et al.), b zero.
        case heUniform
        /// tflib under `set_weights_stdev(σ)` (the official 64×64 DCGAN pair, σ = 0.02): W uniform
        /// with standard deviation σ, b zero.
        case uniform(standardDeviation: Float)
    }

    public init(_ inFeatures: Int, _ outFeatures: Int, bias hasBias: Bool = true, initialization: Initialization = .pytorch,
                using rng: inout RandomGenerator) {
        let w: Tensor, b: Tensor?
        switch initialization {
        case .pytorch:
            let bound = inFeatures > 0 ? 1 / Float(inFeatures).squareRoot() : 0
            w = Tensor.uniform([outFeatures, inFeatures], low: -bound, high: bound, using: &rng)
            b = hasBias ? Tensor.uniform([outFeatures], low: -bound, high: bound, using: &rng) : nil
        case .glorotUniform, .heUniform, .uniform:
            let variance: Float = switch initialization {
            case .heUniform: 2 / Float(inFeatures)
            case .uniform(let deviation): deviation * deviation
            default: 2 / Float(inFeatures + outFeatures)
            }
            // A uniform of standard deviation s spans ±s√3.
            let bound = (3 * variance).squareRoot()
            w = Tensor.uniform([outFeatures, inFeatures], low: -bound, high: bound, using: &rng)
            b = hasBias ? Tensor.zeros([outFeatures]) : nil
        }
        weight = w.requiringGrad()
        bias = b?.requiringGrad()
        super.init()
        registerParameter("weight", weight)
        if let bias { registerParameter("bias", bias) }
    }

    public override func forward(_ input: Tensor) -> Tensor {
        input.linear(weight: weight, bias: bias)
    }

    /// The layer's output when `product` = input·Wᵀ is already known (see `Tensor.linear(weight:bias:product:)`).
    public func forward(_ input: Tensor, product: Tensor) -> Tensor {
        guard let bias else { return input.linear(weight: weight, bias: Tensor.zeros([weight.shape[0]]), product: product) }
        return input.linear(weight: weight, bias: bias, product: product)
    }

    /// input·Wᵀ as a constant (nothing recorded), for callers that reuse it.
    public func product(_ input: Tensor) -> Tensor {
        withoutGrad { input.matmul(weight.detached(), transposeOther: true) }
    }
}
