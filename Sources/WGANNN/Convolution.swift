import WGANEngine

/// How a convolution's parameters start.
public enum ConvInitialization: Equatable, Sendable {
    /// PyTorch's default (`_ConvNd.reset_parameters`): kaiming_uniform(a = √5), i.e. weights and
    /// bias uniform in ±1/√fan_in, where fan_in is the weight's dimension 1 times the kernel area
    /// (in·kH·kW for Conv2d, out·kH·kW for ConvTranspose2d, whose weight is [in, out, kH, kW]).
    case pytorch
    /// The official WGAN-GP code (tflib, `he_init=True`): weights uniform with standard deviation
    /// √(4/(fan_in + fan_out)), bias 0.
    case heUniform
    /// tflib with `he_init=False` (Glorot & Bengio): standard deviation √(2/(fan_in + fan_out)), bias 0.
    case glorotUniform
    /// tflib under `set_weights_stdev(σ)`, as the official 64×64 DCGAN pair sets it (σ = 0.02):
    /// weights uniform with standard deviation σ whatever the fans, bias 0.
    case uniform(standardDeviation: Float)

    /// tflib counts fans per output pixel: a stride-s convolution has fan_out = out·k²/s², a
    /// stride-s transposed convolution fan_in = in·k²/s².
    func parameters(
        weightShape: [Int], outChannels: Int, tflibFans: (fanIn: Float, fanOut: Float), bias: Bool,
        using rng: inout RandomGenerator
    ) -> (weight: Tensor, bias: Tensor?) {
        switch self {
        case .pytorch:
            let fanIn = weightShape[1] * weightShape[2] * weightShape[3]
            let bound = 1 / Float(fanIn).squareRoot()
            let w = Tensor.uniform(weightShape, low: -bound, high: bound, using: &rng)
            return (w, bias ? Tensor.uniform([outChannels], low: -bound, high: bound, using: &rng) : nil)
        case .heUniform, .glorotUniform:
            let gain: Float = self == .heUniform ? 4 : 2
            let bound = (3 * gain / (tflibFans.fanIn + tflibFans.fanOut)).squareRoot()
            let w = Tensor.uniform(weightShape, low: -bound, high: bound, using: &rng)
            return (w, bias ? Tensor.zeros([outChannels]) : nil)
        case .uniform(let deviation):
            let bound = Float(3).squareRoot() * deviation
            let w = Tensor.uniform(weightShape, low: -bound, high: bound, using: &rng)
            return (w, bias ? Tensor.zeros([outChannels]) : nil)
        }
    }
}

/// A 2-D convolution over [N, C, H, W], as PyTorch's `nn.Conv2d` (weight [out, in, kH, kW]).
public final class Conv2d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: (Int, Int), padding: (Int, Int)

    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
        padding: (Int, Int) = (0, 0), bias hasBias: Bool = true, initialization: ConvInitialization = .pytorch,
        using rng: inout RandomGenerator
    ) {
        let area = Float(kernelSize.0 * kernelSize.1)
        let fans = (Float(inChannels) * area, Float(outChannels) * area / Float(stride.0 * stride.1))
        let (w, b) = initialization.parameters(weightShape: [outChannels, inChannels, kernelSize.0, kernelSize.1],
                                               outChannels: outChannels, tflibFans: fans, bias: hasBias, using: &rng)
        (weight, bias, self.stride, self.padding) = (w.requiringGrad(), b?.requiringGrad(), stride, padding)
        super.init()
        registerParameter("weight", weight)
        if let bias { registerParameter("bias", bias) }
    }

    /// Square kernel, equal stride and padding on both axes.
    public convenience init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, initialization: ConvInitialization = .pytorch, using rng: inout RandomGenerator
    ) {
        self.init(inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                  padding: (padding, padding), bias: bias, initialization: initialization, using: &rng)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        input.conv2d(weight: weight, bias: bias, stride: stride, padding: padding)
    }
}

/// A transposed 2-D convolution, as PyTorch's `nn.ConvTranspose2d` (weight [in, out, kH, kW]).
public final class ConvTranspose2d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: (Int, Int), padding: (Int, Int), outputPadding: (Int, Int)

    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
        padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0), bias hasBias: Bool = true,
        initialization: ConvInitialization = .pytorch, using rng: inout RandomGenerator
    ) {
        let area = Float(kernelSize.0 * kernelSize.1)
        let fans = (Float(inChannels) * area / Float(stride.0 * stride.1), Float(outChannels) * area)
        let (w, b) = initialization.parameters(weightShape: [inChannels, outChannels, kernelSize.0, kernelSize.1],
                                               outChannels: outChannels, tflibFans: fans, bias: hasBias, using: &rng)
        (weight, bias) = (w.requiringGrad(), b?.requiringGrad())
        (self.stride, self.padding, self.outputPadding) = (stride, padding, outputPadding)
        super.init()
        registerParameter("weight", weight)
        if let bias { registerParameter("bias", bias) }
    }

    /// Square kernel, equal stride, padding and output padding on both axes.
    public convenience init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        outputPadding: Int = 0, bias: Bool = true, initialization: ConvInitialization = .pytorch,
        using rng: inout RandomGenerator
    ) {
        self.init(inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                  padding: (padding, padding), outputPadding: (outputPadding, outputPadding), bias: bias,
                  initialization: initialization, using: &rng)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        input.convTranspose2d(weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding)
    }
}

/// Per-sample normalisation of [N, C, H, W] over (C, H, W) with a per-channel scale (`weight`,
/// ones) and offset (`bias`, zeros): the official WGAN-GP code's `Layernorm` for its ResNet
/// critics, where batch norm would couple the samples that the penalty treats separately.
public final class LayerNorm2d: Module {
    public let weight: Tensor
    public let bias: Tensor
    public let eps: Float

    public init(_ channels: Int, eps: Float = 1e-5) {
        weight = Tensor.ones([channels]).requiringGrad()
        bias = Tensor.zeros([channels]).requiringGrad()
        self.eps = eps
        super.init()
        registerParameter("weight", weight)
        registerParameter("bias", bias)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        input.layerNorm2d(weight: weight, bias: bias, eps: eps)
    }
}
