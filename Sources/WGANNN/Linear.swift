import WGANEngine

/// y = x·Wᵀ + b, with W of shape [out, in] as in PyTorch's `nn.Linear`.
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?

    /// PyTorch's default initialisation: W from kaiming_uniform(a = √5), which is uniform in
    /// ±1/√fan_in, and b uniform in ±1/√fan_in.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias hasBias: Bool = true, using rng: inout RandomGenerator) {
        let bound = inFeatures > 0 ? 1 / Float(inFeatures).squareRoot() : 0
        let w = Tensor.uniform([outFeatures, inFeatures], low: -bound, high: bound, using: &rng)
        let b = hasBias ? Tensor.uniform([outFeatures], low: -bound, high: bound, using: &rng) : nil
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
