import WGANEngine
import WGANNN

/// The paper's MNIST model (`--model mnist-dcgan`: the official gan_mnist.py in WGAN-GP mode),
/// 1×28×28, sigmoid pixels in [0, 1].
public struct MNISTDCGANModel: GANModel {
    public init() {}
    public var name: String { "mnist-dcgan" }
    public var summary: String { "the paper's MNIST model (gan_mnist.py): 5×5 (transposed) convolutions, sigmoid pixels in [0, 1], tflib's initialisation; 1×28×28" }
    public var samples: SampleKind { .images(side: 28, channels: [1]) }
    public var defaultImageShape: [Int] { [1, 28, 28] }
    public var defaultLatentDimension: Int { 128 }
    public var defaultWidth: Int { 64 }
    public var pixelValues: PixelValues { .unit }
    public var interpolation: InterpolationForm { .official }
    public var presets: [ModelPreset] {
        [ModelPreset(name: "paper-mnist", summary: "the official gan_mnist.py", batchSize: 50, lambda: 10, beta1: 0.5, iterations: 200_000)]
    }

    public func makeGenerator(_ spec: ModelSpec, using rng: inout RandomGenerator) -> any ImageGenerator {
        MNISTDCGANGenerator(width: spec.width, latentDimension: spec.latentDimension, using: &rng)
    }

    public func makeCritic(_ spec: ModelSpec, using rng: inout RandomGenerator) -> Module {
        MNISTDCGANCritic(width: spec.width, using: &rng)
    }

    public func sizes(_ spec: ModelSpec) -> [ModelSize] {
        [MNISTDCGANGenerator.size(width: spec.width, latentDimension: spec.latentDimension), MNISTDCGANCritic.size(width: spec.width)]
    }
}

/// How the paper's MNIST model starts: as the official code (tflib: He-uniform convolutions,
/// Glorot-uniform linear layers, zero biases), or with PyTorch's default initialisation.
public enum MNISTDCGANInitialization: Sendable {
    case official, pytorch
    /// The official gan_64x64.py's DCGAN pair: tflib's `set_weights_stdev(0.02)`, every weight
    /// uniform with standard deviation 0.02, biases zero.
    case dcgan

    var convolutions: ConvInitialization {
        switch self {
        case .official: .heUniform
        case .pytorch: .pytorch
        case .dcgan: .uniform(standardDeviation: 0.02)
        }
    }

    var linear: Linear.Initialization {
        switch self {
        case .official: .glorotUniform
        case .pytorch: .pytorch
        case .dcgan: .uniform(standardDeviation: 0.02)
        }
    }
}

/// The generator of the paper's MNIST model (the official gan_mnist.py in WGAN-GP mode), as
/// `../shared/bench/torch_dcgan.py` writes it in PyTorch, whose attribute names are the state
/// dict's: z → `linear` (4·4·4·dim) → ReLU → [4·dim, 4, 4] → `deconv1` (5×5, stride 2, to 2·dim,
/// 8×8, cropped to 7×7) → ReLU → `deconv2` (dim, 14×14) → ReLU → `deconv3` (1, 28×28) → sigmoid.
/// The crop keeps the first 7 rows and columns, as PyTorch's `[:, :, :7, :7]`.
public final class MNISTDCGANGenerator: Module, ImageGenerator {
    public let latentDimension: Int
    public let width: Int
    public let imageShape = [1, 28, 28]
    public let linear: Linear
    public let deconv1, deconv2, deconv3: ConvTranspose2d

    public init(width: Int = 64, latentDimension: Int = 128, initialization: MNISTDCGANInitialization = .official,
                using rng: inout RandomGenerator) {
        self.width = width
        self.latentDimension = latentDimension
        linear = Linear(latentDimension, 4 * 4 * 4 * width, initialization: initialization.linear, using: &rng)
        func deconv(_ from: Int, _ to: Int) -> ConvTranspose2d {
            ConvTranspose2d(from, to, kernelSize: 5, stride: 2, padding: 2, outputPadding: 1,
                            initialization: initialization.convolutions, using: &rng)
        }
        deconv1 = deconv(4 * width, 2 * width)
        deconv2 = deconv(2 * width, width)
        deconv3 = deconv(width, 1)
        super.init()
        registerModule("linear", linear)
        registerModule("deconv1", deconv1)
        registerModule("deconv2", deconv2)
        registerModule("deconv3", deconv3)
    }

    public override func forward(_ z: Tensor) -> Tensor {
        let n = z.shape[0]
        var h = linear(z).relu().reshaped([n, 4 * width, 4, 4])
        h = deconv1(h).relu().narrowed(axis: 2, start: 0, length: 7).narrowed(axis: 3, start: 0, length: 7)
        h = deconv2(h).relu()
        return deconv3(h).sigmoid()
    }

    /// The size of a generator with these settings, computed without building it.
    public static func size(width: Int, latentDimension: Int) -> ModelSize {
        let w = width
        // Every product in checked arithmetic: --dim and --latent-dim may be anything a person types.
        let parameters = CheckedSize.sum(
            CheckedSize.sum(latentDimension, 1).flatMap { CheckedSize.product($0, 64, w) },  // linear
            CheckedSize.product(25, 4, w, 2, w), CheckedSize.product(2, w),                   // deconv1
            CheckedSize.product(25, 2, w, w), w,                                              // deconv2
            CheckedSize.product(25, w), 1)                                                    // deconv3
        // Each layer's output and activation, and the uncropped 8×8 map.
        let activations = CheckedSize.sum(latentDimension, CheckedSize.product(2, 64, w), CheckedSize.product(2, 2, w, 64 + 49),
                                          CheckedSize.product(2, w, 196), 2 * 784)
        return ModelSize(parameters: parameters, activationsPerSample: activations)
    }
}

/// The critic of the paper's MNIST model: x → `conv1` (5×5, stride 2, dim) → LeakyReLU 0.2 →
/// `conv2` (2·dim) → LeakyReLU → `conv3` (4·dim, 4×4) → LeakyReLU → flatten → `linear` → 1. No
/// normalisation: the penalty treats every sample on its own.
public final class MNISTDCGANCritic: Module, PerSampleCritic {
    public let width: Int
    public let conv1, conv2, conv3: Conv2d
    public let linear: Linear
    public let negativeSlope: Float = 0.2

    public init(width: Int = 64, initialization: MNISTDCGANInitialization = .official, using rng: inout RandomGenerator) {
        self.width = width
        func conv(_ from: Int, _ to: Int) -> Conv2d {
            Conv2d(from, to, kernelSize: 5, stride: 2, padding: 2, initialization: initialization.convolutions, using: &rng)
        }
        conv1 = conv(1, width)
        conv2 = conv(width, 2 * width)
        conv3 = conv(2 * width, 4 * width)
        linear = Linear(4 * 4 * 4 * width, 1, initialization: initialization.linear, using: &rng)
        super.init()
        registerModule("conv1", conv1)
        registerModule("conv2", conv2)
        registerModule("conv3", conv3)
        registerModule("linear", linear)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        var h = conv1(x).leakyReLU(negativeSlope: negativeSlope)
        h = conv2(h).leakyReLU(negativeSlope: negativeSlope)
        h = conv3(h).leakyReLU(negativeSlope: negativeSlope)
        return linear(h.flattened())
    }

    /// The size of a critic with this width, computed without building it.
    public static func size(width: Int) -> ModelSize {
        let w = width
        let parameters = CheckedSize.sum(CheckedSize.product(26, w), CheckedSize.product(25, w, 2, w), CheckedSize.product(2, w),
                                         CheckedSize.product(25, 2, w, 4, w), CheckedSize.product(4, w),
                                         CheckedSize.product(64, w), 1)
        let activations = CheckedSize.sum(784, CheckedSize.product(2, 196, w), CheckedSize.product(2, 49, 2, w),
                                          CheckedSize.product(2, 16, 4, w), 1)
        return ModelSize(parameters: parameters, activationsPerSample: activations)
    }
}
