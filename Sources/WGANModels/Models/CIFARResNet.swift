import WGANEngine
import WGANNN

/// The paper's best CIFAR-10 model (`--model cifar-resnet`: the official gan_cifar_resnet.py, the
/// residual networks of Appendix F behind Table 3's Inception scores), as
/// `../shared/bench/torch_cifar_resnet.py` writes it in PyTorch; the attribute names are that
/// file's state dict, so that a checkpoint loads strictly into its `Generator`.
public struct CIFARResNetModel: GANModel {
    public init() {}
    public var name: String { "cifar-resnet" }
    public var summary: String {
        "the paper's best CIFAR-10 model (gan_cifar_resnet.py): residual blocks of 3×3 convolutions with nearest upsampling "
            + "and mean pooling, BatchNorm generator; 3×32×32"
    }
    public var samples: SampleKind { .images(side: 32, channels: [1, 3]) }
    public var defaultImageShape: [Int] { [3, 32, 32] }
    public var defaultLatentDimension: Int { 128 }
    public var defaultWidth: Int { 128 }
    public var pixelValues: PixelValues { .symmetric }
    public var interpolation: InterpolationForm { .official }
    public var benchmarkIterations: (timed: Int, warmup: Int) { (2, 1) }
    public var hasConditionalVariant: Bool { true }
    public var presets: [ModelPreset] {
        var preset = ModelPreset(name: "paper-cifar-resnet", summary: "the official gan_cifar_resnet.py (unconditional)",
                                 batchSize: 64, lambda: 10, beta1: 0, iterations: 100_000)
        (preset.criticLearningRate, preset.generatorLearningRate) = (2e-4, 2e-4)
        preset.learningRateDecay = .linear
        preset.generatorBatchSize = 128
        preset.dequantize = true
        return [preset]
    }

    public func makeGenerator(_ spec: ModelSpec, using rng: inout RandomGenerator) -> any ImageGenerator {
        CIFARResNetGenerator(width: spec.width, latentDimension: spec.latentDimension, channels: spec.imageShape[0],
                             classes: spec.classCount, using: &rng)
    }

    public func makeCritic(_ spec: ModelSpec, using rng: inout RandomGenerator) -> Module {
        CIFARResNetCritic(width: spec.width, channels: spec.imageShape[0], classes: spec.classCount, using: &rng)
    }

    public func sizes(_ spec: ModelSpec) -> [ModelSize] {
        [CIFARResNetGenerator.size(width: spec.width, latentDimension: spec.latentDimension, channels: spec.imageShape[0]),
         CIFARResNetCritic.size(width: spec.width, channels: spec.imageShape[0])]
    }
}

/// A 3×3 convolution (padding 1) or a 1×1 one, stride 1, initialised as tflib's `Conv2D`: uniform
/// with standard deviation √(4/(fan_in + fan_out)) (`he`, the 3×3 convolutions) or
/// √(2/(fan_in + fan_out)) (the 1×1 shortcuts and the output convolution), zero bias.
func resNetConv(_ from: Int, _ to: Int, kernel: Int, he: Bool = true, using rng: inout RandomGenerator) -> Conv2d {
    Conv2d(from, to, kernelSize: kernel, padding: kernel / 2, initialization: he ? .heUniform : .glorotUniform, using: &rng)
}

/// The generator's normalisation (the reference's `Norm`): BatchNorm over N, H and W with batch
/// statistics (eps 1e-5), held as `bn` so that its state-dict names are `….bn.weight`. With
/// classes it is conditional BatchNorm (Dumoulin et al.): `bn` without scale and offset of its
/// own, then a `scale` and an `offset` per class ([classes, C], ones and zeros), picked per sample.
public final class ResNetNorm: Module {
    public let bn: BatchNorm2d
    public let scale: Tensor?, offset: Tensor?

    public init(_ channels: Int, classes: Int = 0) {
        bn = BatchNorm2d(channels, eps: 1e-5, affine: classes == 0)
        (scale, offset) = classes == 0 ? (nil, nil)
            : (Tensor.ones([classes, channels]).requiringGrad(), Tensor.zeros([classes, channels]).requiringGrad())
        super.init()
        registerModule("bn", bn)
        if let scale, let offset {
            registerParameter("scale", scale)
            registerParameter("offset", offset)
        }
    }

    public override func forward(_ input: Tensor) -> Tensor { callAsFunction(input, labels: nil) }

    /// The normalised input, with each sample's class's scale and offset when conditional.
    public func callAsFunction(_ input: Tensor, labels: [Int]?) -> Tensor {
        let h = bn(input)
        guard let scale, let offset else { return h }
        guard let labels else { preconditionFailure("a conditional BatchNorm needs each sample's class") }
        let perSample = [input.shape[0], input.shape[1], 1, 1]
        return h * scale.gatheringRows(labels).reshaped(perSample) + offset.gatheringRows(labels).reshaped(perSample)
    }
}

/// A residual "up" block: BN → ReLU → 2× nearest upsampling → 3×3 conv → BN → ReLU → 3×3 conv,
/// plus the shortcut (upsampling → 1×1 conv); its norms are conditional with classes.
public final class ResNetUpBlock: Module {
    public let shortcut: Conv2d
    public let n1: ResNetNorm, n2: ResNetNorm
    public let conv1: Conv2d, conv2: Conv2d

    public init(_ from: Int, _ to: Int, classes: Int = 0, using rng: inout RandomGenerator) {
        shortcut = resNetConv(from, to, kernel: 1, he: false, using: &rng)
        n1 = ResNetNorm(from, classes: classes)
        conv1 = resNetConv(from, to, kernel: 3, using: &rng)
        n2 = ResNetNorm(to, classes: classes)
        conv2 = resNetConv(to, to, kernel: 3, using: &rng)
        super.init()
        registerModule("shortcut", shortcut)
        registerModule("n1", n1)
        registerModule("conv1", conv1)
        registerModule("n2", n2)
        registerModule("conv2", conv2)
    }

    public override func forward(_ x: Tensor) -> Tensor { callAsFunction(x, labels: nil) }

    public func callAsFunction(_ x: Tensor, labels: [Int]?) -> Tensor {
        // A 1×1 convolution commutes with nearest upsampling (each output pixel is the same sum):
        // convolving first does a quarter of the work.
        let s = shortcut(x).upsampledNearest2x()
        let h = conv1(n1(x, labels: labels).relu().upsampledNearest2x())
        return s + conv2(n2(h, labels: labels).relu())
    }
}

/// The ResNet's generator: z → `linear` (4·4·dim) → [dim, 4, 4] → `block1..3` (up blocks: 8, 16,
/// 32) → `norm` → ReLU → `conv` (3×3, to the image's channels) → tanh.
public final class CIFARResNetGenerator: Module, ConditionalImageGenerator {
    public let latentDimension: Int
    public let width: Int
    public let imageShape: [Int]
    public let linear: Linear
    public let blocks: [ResNetUpBlock]
    public let norm: ResNetNorm
    public let conv: Conv2d

    /// Classes of the conditional generator (AC-WGAN-GP), 0 for the unconditional one.
    public let classes: Int

    public init(width: Int = 128, latentDimension: Int = 128, channels: Int = 3, classes: Int = 0, using rng: inout RandomGenerator) {
        self.width = width
        self.latentDimension = latentDimension
        self.classes = classes
        imageShape = [channels, 32, 32]
        linear = Linear(latentDimension, 16 * width, initialization: .glorotUniform, using: &rng)
        var blocks: [ResNetUpBlock] = []
        for _ in 0..<3 { blocks.append(ResNetUpBlock(width, width, classes: classes, using: &rng)) }
        self.blocks = blocks
        norm = ResNetNorm(width)
        conv = resNetConv(width, channels, kernel: 3, he: false, using: &rng)
        super.init()
        registerModule("linear", linear)
        for (i, block) in blocks.enumerated() { registerModule("block\(i + 1)", block) }
        registerModule("norm", norm)
        registerModule("conv", conv)
    }

    public override func forward(_ z: Tensor) -> Tensor { callAsFunction(z, labels: nil) }

    /// G(z, y): images of the classes `labels` (one per row of z) from a conditional generator.
    public func callAsFunction(_ z: Tensor, labels: [Int]?) -> Tensor {
        precondition((classes == 0) == (labels == nil), classes == 0 ? "an unconditional generator takes no classes"
                     : "a conditional generator needs a class for every latent vector")
        var h = linear(z).reshaped([z.shape[0], width, 4, 4])
        for block in blocks { h = block(h, labels: labels) }
        return conv(norm(h).relu()).tanh()
    }

    /// The size of a generator with these settings, computed without building it.
    public static func size(width w: Int, latentDimension: Int, channels: Int) -> ModelSize {
        let block = CheckedSize.sum(CheckedSize.product(19, w, w), CheckedSize.product(3, w), CheckedSize.product(4, w))
        let parameters = CheckedSize.sum(CheckedSize.sum(latentDimension, 1).flatMap { CheckedSize.product($0, 16, w) },
                                         block.flatMap { CheckedSize.product($0, 3) }, CheckedSize.product(2, w),
                                         CheckedSize.product(9, w, channels), channels)
        // Per block about eight maps of its output size (normalised, activated, upsampled, convolved).
        let activations = CheckedSize.sum(latentDimension, CheckedSize.product(16, w),
                                          CheckedSize.product(8, w, 64 + 256 + 1024), CheckedSize.product(3, w, 1024),
                                          CheckedSize.product(2, channels, 1024))
        return ModelSize(parameters: parameters, activationsPerSample: activations)
    }
}

/// The ResNet's critic: an optimised first block (`block1_conv1` → ReLU → `block1_conv2` → 2×2 mean
/// pool, plus mean pool → `block1_shortcut` 1×1), a down block (ReLU → `block2_conv1` → ReLU →
/// `block2_conv2` → mean pool, plus `block2_shortcut` 1×1 → mean pool), two plain blocks with
/// identity shortcuts (`block3_*`, `block4_*`), ReLU, the mean over H and W, `linear` → 1. No
/// normalisation: the penalty treats every sample on its own.
public final class CIFARResNetCritic: Module, PerSampleCritic {
    public let width: Int
    public let block1_conv1, block1_conv2, block1_shortcut: Conv2d
    public let block2_conv1, block2_conv2, block2_shortcut: Conv2d
    public let block3_conv1, block3_conv2, block4_conv1, block4_conv2: Conv2d
    public let linear: Linear
    /// The AC-GAN head (Linear dim → classes) of the conditional critic; nil without classes.
    public let acgan: Linear?

    public init(width: Int = 128, channels: Int = 3, classes: Int = 0, using rng: inout RandomGenerator) {
        self.width = width
        block1_conv1 = resNetConv(channels, width, kernel: 3, using: &rng)
        block1_conv2 = resNetConv(width, width, kernel: 3, using: &rng)
        block1_shortcut = resNetConv(channels, width, kernel: 1, he: false, using: &rng)
        block2_conv1 = resNetConv(width, width, kernel: 3, using: &rng)
        block2_conv2 = resNetConv(width, width, kernel: 3, using: &rng)
        block2_shortcut = resNetConv(width, width, kernel: 1, he: false, using: &rng)
        block3_conv1 = resNetConv(width, width, kernel: 3, using: &rng)
        block3_conv2 = resNetConv(width, width, kernel: 3, using: &rng)
        block4_conv1 = resNetConv(width, width, kernel: 3, using: &rng)
        block4_conv2 = resNetConv(width, width, kernel: 3, using: &rng)
        linear = Linear(width, 1, initialization: .glorotUniform, using: &rng)
        acgan = classes == 0 ? nil : Linear(width, classes, initialization: .glorotUniform, using: &rng)
        super.init()
        for (name, conv) in [("block1_conv1", block1_conv1), ("block1_conv2", block1_conv2), ("block1_shortcut", block1_shortcut),
                             ("block2_conv1", block2_conv1), ("block2_conv2", block2_conv2), ("block2_shortcut", block2_shortcut),
                             ("block3_conv1", block3_conv1), ("block3_conv2", block3_conv2),
                             ("block4_conv1", block4_conv1), ("block4_conv2", block4_conv2)] {
            registerModule(name, conv)
        }
        registerModule("linear", linear)
        if let acgan { registerModule("acgan", acgan) }
    }

    /// The features the heads read: [N, dim] after the last ReLU and the spatial mean.
    public func features(_ x: Tensor) -> Tensor {
        var h = block1_conv2(block1_conv1(x).relu()).meanPooled2x2() + block1_shortcut(x.meanPooled2x2())
        // Mean pooling commutes with a 1×1 convolution: pooling first does a quarter of the work.
        h = block2_conv2(block2_conv1(h.relu()).relu()).meanPooled2x2() + block2_shortcut(h.meanPooled2x2())
        h = h + block3_conv2(block3_conv1(h.relu()).relu())
        h = h + block4_conv2(block4_conv1(h.relu()).relu())
        return h.relu().spatialMean()
    }

    /// The Wasserstein head's scores [N, 1] (all the penalty sees).
    public override func forward(_ x: Tensor) -> Tensor { linear(features(x)) }

    /// The scores [N, 1] and, for the conditional critic, the AC-GAN logits [N, classes], from
    /// one pass over the features.
    public func heads(_ x: Tensor) -> (scores: Tensor, logits: Tensor?) {
        let f = features(x)
        return (linear(f), acgan.map { $0(f) })
    }

    /// The size of a critic with these settings, computed without building it.
    public static func size(width w: Int, channels: Int) -> ModelSize {
        // Seven 3×3 convolutions dim → dim and one 1×1, the two from the image, ten biases, the linear layer.
        let parameters = CheckedSize.sum(CheckedSize.product(10, channels, w), CheckedSize.product(64, w, w),
                                         CheckedSize.product(11, w), 1)
        // About six maps of each block's input size: convolutions, activations, pools.
        let activations = CheckedSize.sum(CheckedSize.product(2, channels, 1024), CheckedSize.product(6, w, 1024 + 256 + 64 + 64),
                                          CheckedSize.product(2, w))
        return ModelSize(parameters: parameters, activationsPerSample: activations)
    }
}
