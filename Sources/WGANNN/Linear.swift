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
}
