import WGANEngine
import WGANNN

/// The paper's CIFAR-10 model (`--model cifar-dcgan`: the official gan_cifar.py in WGAN-GP mode),
/// 3×32×32 (or grey).
public struct CIFARDCGANModel: ColourDCGANModel {
    public init() {}
    public var name: String { "cifar-dcgan" }
    public var summary: String { "the paper's CIFAR-10 model (gan_cifar.py): 5×5 (transposed) convolutions, BatchNorm generator; 3×32×32" }
    public var depth: ColourDCGANDepth { .cifar }
    public var defaultWidth: Int { 128 }
    public var presets: [ModelPreset] {
        [ModelPreset(name: "paper-cifar", summary: "the official gan_cifar.py in WGAN-GP mode", batchSize: 64, lambda: 10, beta1: 0.5,
                     iterations: 200_000)]
    }
}

/// gan_64x64.py's DCGAN pair (`--model dcgan64`), 3×64×64 (or grey), layer norm in the critic,
/// every weight drawn with standard deviation 0.02 as that file does.
public struct DCGAN64Model: ColourDCGANModel {
    public init() {}
    public var name: String { "dcgan64" }
    public var summary: String { "gan_64x64.py's DCGAN pair: one level deeper, layer norm in the critic (BatchNorm without the penalty); 3×64×64" }
    public var depth: ColourDCGANDepth { .sixtyFour }
    public var defaultWidth: Int { 64 }
    public var presets: [ModelPreset] { [Self.paperPreset] }

    /// gan_64x64.py's settings in WGAN-GP mode, which every architecture of its zoo trains with.
    public static let paperPreset = ModelPreset(name: "paper-64", summary: "gan_64x64.py's DCGAN pair in WGAN-GP mode, with the betas that file sets",
                                                batchSize: 64, lambda: 10, beta1: 0, iterations: 200_000)
}

/// What the colour DCGANs share: the builders and sizes of one pattern at their depth.
public protocol ColourDCGANModel: GANModel {
    var depth: ColourDCGANDepth { get }
    /// How the pair departs from the DCGAN pair (the 64×64 architecture zoo's variants).
    var layers: DCGANLayers { get }
}

/// The knobs of `gan_64x64.py`'s `DCGANGenerator` and `DCGANDiscriminator`: whether they
/// normalise (`bn`), and their nonlinearities.
public struct DCGANLayers: Sendable, Equatable {
    /// BatchNorm in the generator and the critic's norms (layer norm or BatchNorm by loss).
    public var normalized = true
    public var generatorActivation = Activation.relu
    public var criticActivation = Activation.leakyReLU

    public init(normalized: Bool = true, generatorActivation: Activation = .relu, criticActivation: Activation = .leakyReLU) {
        self.normalized = normalized
        self.generatorActivation = generatorActivation
        self.criticActivation = criticActivation
    }

    public enum Activation: Sendable, Equatable {
        case relu, tanh
        /// The official LeakyReLU: max(0.2·x, x).
        case leakyReLU

        public func callAsFunction(_ x: Tensor) -> Tensor {
            switch self {
            case .relu: x.relu()
            case .tanh: x.tanh()
            case .leakyReLU: x.leakyReLU(negativeSlope: 0.2)
            }
        }
    }
}

extension ColourDCGANModel {
    public var samples: SampleKind { .images(side: depth.imageSide, channels: [1, 3]) }
    public var defaultImageShape: [Int] { [3, depth.imageSide, depth.imageSide] }
    public var defaultLatentDimension: Int { 128 }
    public var pixelValues: PixelValues { .symmetric }
    public var interpolation: InterpolationForm { .official }
    public var layers: DCGANLayers { DCGANLayers() }
    /// gan_cifar.py's tflib defaults, or gan_64x64.py's standard deviation 0.02.
    var weightInitialization: MNISTDCGANInitialization { depth == .cifar ? .official : .dcgan }

    public func makeGenerator(_ spec: ModelSpec, using rng: inout RandomGenerator) -> any ImageGenerator {
        ColourDCGANGenerator(depth: depth, width: spec.width, latentDimension: spec.latentDimension, channels: spec.imageShape[0],
                             initialization: weightInitialization, layers: layers, using: &rng)
    }

    public func makeCritic(_ spec: ModelSpec, using rng: inout RandomGenerator) -> Module {
        ColourDCGANCritic(depth: depth, width: spec.width, channels: spec.imageShape[0], initialization: weightInitialization,
                          normalization: layers.normalized ? spec.criticNormalization ?? .layer : nil,
                          activation: layers.criticActivation, using: &rng)
    }

    public func sizes(_ spec: ModelSpec) -> [ModelSize] {
        [ColourDCGANGenerator.size(depth: depth, width: spec.width, latentDimension: spec.latentDimension, channels: spec.imageShape[0],
                                   normalized: layers.normalized),
         ColourDCGANCritic.size(depth: depth, width: spec.width, channels: spec.imageShape[0], normalized: layers.normalized)]
    }
}

/// The paper's colour models, which share one pattern at two depths:
///
/// - `cifar` is the official `gan_cifar.py` in WGAN-GP mode (32×32): generator z → `linear`
///   (4·4·4·dim) → `bn0` (BatchNorm1d) → ReLU → [4·dim, 4, 4] → three 5×5 stride-2 transposed
///   convolutions (`deconv1..3`, to 2·dim, dim, C) with `bn1`, `bn2` (BatchNorm2d) and ReLU
///   between them → tanh; critic x → `conv1..3` (5×5 stride 2: C → dim → 2·dim → 4·dim), each
///   with LeakyReLU 0.2, → `linear` → 1, without normalisation.
/// - `sixtyFour` is `gan_64x64.py`'s DCGAN pair (64×64), one level deeper: generator z →
///   `linear` (4·4·8·dim) → [8·dim, 4, 4] → `bn0` (BatchNorm2d) → ReLU → `deconv1..4` (to 4·dim,
///   2·dim, dim, C) with `bn1..3` → tanh; critic `conv1..4` (C → dim → … → 8·dim), layer norm
///   (`ln2..4`, the official `Normalize` for a WGAN-GP critic; BatchNorm `bn2..4` for the other
///   losses) after every convolution but the first, LeakyReLU 0.2, `linear`.
///
/// Both double each side with PyTorch's `ConvTranspose2d(k 5, s 2, p 2, output_padding 1)`.
public enum ColourDCGANDepth: Sendable {
    case cifar, sixtyFour

    /// Channel multipliers of dim, from the 4×4 map outwards.
    var multipliers: [Int] { self == .cifar ? [4, 2, 1] : [8, 4, 2, 1] }
    /// The side of the images: 4 doubled once per transposed convolution.
    public var imageSide: Int { 4 << multipliers.count }
}

/// The generator of `ColourDCGANDepth`; its attribute names are the PyTorch reference's
/// (`bench/torch_cifar_dcgan.py`) state dict.
public final class ColourDCGANGenerator: Module, ImageGenerator {
    public let latentDimension: Int
    public let width: Int
    public let depth: ColourDCGANDepth
    public let imageShape: [Int]
    public let linear: Linear
    /// BatchNorm1d on the linear output (cifar) or BatchNorm2d on the 4×4 map (64×64); nil without normalisation.
    public let bn0: BatchNorm?
    public let deconvs: [ConvTranspose2d]
    /// After every transposed convolution but the last; empty without normalisation.
    public let norms: [BatchNorm2d]
    public let activation: DCGANLayers.Activation

    public init(depth: ColourDCGANDepth, width: Int, latentDimension: Int = 128, channels: Int = 3,
                initialization: MNISTDCGANInitialization = .official, layers: DCGANLayers = DCGANLayers(),
                using rng: inout RandomGenerator) {
        self.depth = depth
        activation = layers.generatorActivation
        self.width = width
        self.latentDimension = latentDimension
        imageShape = [channels, depth.imageSide, depth.imageSide]
        let m = depth.multipliers
        linear = Linear(latentDimension, 16 * m[0] * width, initialization: initialization.linear, using: &rng)
        bn0 = !layers.normalized ? nil : depth == .cifar ? BatchNorm1d(16 * m[0] * width) : BatchNorm2d(m[0] * width)
        let outputs = m.dropFirst().map { $0 * width } + [channels]
        deconvs = zip(m.map { $0 * width }, outputs).map { from, to in
            ConvTranspose2d(from, to, kernelSize: 5, stride: 2, padding: 2, outputPadding: 1,
                            initialization: initialization.convolutions, using: &rng)
        }
        norms = layers.normalized ? outputs.dropLast().map { BatchNorm2d($0) } : []
        super.init()
        registerModule("linear", linear)
        if let bn0 { registerModule("bn0", bn0) }
        for (i, deconv) in deconvs.enumerated() { registerModule("deconv\(i + 1)", deconv) }
        for (i, norm) in norms.enumerated() { registerModule("bn\(i + 1)", norm) }
    }

    public override func forward(_ z: Tensor) -> Tensor {
        let n = z.shape[0], map = [n, depth.multipliers[0] * width, 4, 4]
        func normalized(_ x: Tensor, _ norm: BatchNorm?) -> Tensor { norm.map { $0(x) } ?? x }
        var h = depth == .cifar ? activation(normalized(linear(z), bn0)).reshaped(map) : activation(normalized(linear(z).reshaped(map), bn0))
        for (i, deconv) in deconvs.dropLast().enumerated() { h = activation(normalized(deconv(h), norms.isEmpty ? nil : norms[i])) }
        return deconvs.last!(h).tanh()
    }

    /// The size of a generator with these settings, computed without building it.
    public static func size(depth: ColourDCGANDepth, width w: Int, latentDimension: Int, channels: Int, normalized: Bool = true) -> ModelSize {
        let m = depth.multipliers
        var parameters = CheckedSize.sum(CheckedSize.sum(latentDimension, 1).flatMap { CheckedSize.product($0, 16, m[0], w) },
                                         CheckedSize.product(normalized ? 2 : 0, depth == .cifar ? 16 : 1, m[0], w))
        // Each layer's output, its normalisation and activation (about three copies of each map).
        var activations = CheckedSize.sum(latentDimension, CheckedSize.product(3, 16, m[0], w))
        var side = 4
        for (from, to) in zip(m, Array(m.dropFirst()) + [0]) {
            let outChannels = to == 0 ? channels : to * w
            side *= 2
            // Weights and bias, and BatchNorm's scale and shift after every layer but the last.
            parameters = CheckedSize.sum(parameters, CheckedSize.product(25, from, w, outChannels),
                                         CheckedSize.product(to == 0 || !normalized ? 1 : 3, outChannels))
            activations = CheckedSize.sum(activations, CheckedSize.product(3, outChannels, side, side))
        }
        return ModelSize(parameters: parameters, activationsPerSample: activations)
    }
}

/// The critic of `ColourDCGANDepth`: convolutions with LeakyReLU 0.2 (and layer norm at 64×64),
/// then a linear score. Each sample is scored on its own, as the penalty requires.
public final class ColourDCGANCritic: Module, PerSampleCritic {
    public let width: Int
    public let depth: ColourDCGANDepth
    public let convs: [Conv2d]
    /// Layer norms (or BatchNorms) after `conv2` onwards (64×64 with normalisation only).
    public let norms: [Module]
    /// nil: no norms.
    public let normalization: CriticNormalization?
    public let linear: Linear
    public let activation: DCGANLayers.Activation

    /// `normalization` `.batch` makes a critic for the losses without a penalty; it scores a
    /// batch, not each sample on its own, so `WGANGPStep` refuses it.
    public init(depth: ColourDCGANDepth, width: Int, channels: Int = 3, initialization: MNISTDCGANInitialization = .official,
                normalization: CriticNormalization? = .layer, activation: DCGANLayers.Activation = .leakyReLU,
                using rng: inout RandomGenerator) {
        self.normalization = normalization
        self.activation = activation
        self.depth = depth
        self.width = width
        let outputs = depth.multipliers.reversed().map { $0 * width }
        convs = zip([channels] + outputs.dropLast(), outputs).map { from, to in
            Conv2d(from, to, kernelSize: 5, stride: 2, padding: 2, initialization: initialization.convolutions, using: &rng)
        }
        norms = depth == .cifar || normalization == nil ? []
            : outputs.dropFirst().map { normalization == .layer ? LayerNorm2d($0) : BatchNorm2d($0) }
        linear = Linear(16 * outputs.last!, 1, initialization: initialization.linear, using: &rng)
        super.init()
        for (i, conv) in convs.enumerated() { registerModule("conv\(i + 1)", conv) }
        for (i, norm) in norms.enumerated() { registerModule("\(normalization == .layer ? "ln" : "bn")\(i + 2)", norm) }
        registerModule("linear", linear)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        var h = x
        for (i, conv) in convs.enumerated() {
            h = conv(h)
            if i >= 1 && !norms.isEmpty { h = norms[i - 1](h) }
            h = activation(h)
        }
        return linear(h.flattened())
    }

    /// The size of a critic with these settings, computed without building it.
    public static func size(depth: ColourDCGANDepth, width w: Int, channels: Int, normalized: Bool = true) -> ModelSize {
        let outputs = depth.multipliers.reversed().map { $0 * w }
        var parameters = CheckedSize.sum(CheckedSize.product(16, outputs.last!), 1)
        var activations = CheckedSize.product(channels, depth.imageSide, depth.imageSide)
        var side = depth.imageSide
        for (i, (from, to)) in zip([channels] + outputs.dropLast(), outputs).enumerated() {
            side /= 2
            // Weights and bias, and layer norm's scale and shift after the second layer on (64×64).
            let normalized = normalized && depth == .sixtyFour && i >= 1
            parameters = CheckedSize.sum(parameters, CheckedSize.product(25, from, to), CheckedSize.product(normalized ? 3 : 1, to))
            activations = CheckedSize.sum(activations, CheckedSize.product(3, to, side, side))
        }
        return ModelSize(parameters: parameters, activationsPerSample: activations)
    }
}
