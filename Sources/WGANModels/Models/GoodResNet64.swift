import WGANEngine
import WGANNN

/// The official `gan_64x64.py`'s default pair (`--model good-resnet`: `GoodGenerator` and
/// `GoodDiscriminator`), 3×64×64, as this repository's `bench/torch_good_resnet.py` writes it in
/// PyTorch; the attribute names are that file's state dict.
///
/// - Generator: z → `input` (linear, 4·4·8·dim) → [8·dim, 4, 4] → `res1..4` (up blocks to 8·dim,
///   4·dim, 2·dim, dim) → `output_bn` → ReLU → `output` (3×3 to the image's channels) → tanh.
/// - Critic: `input` (3×3 to dim) → `res1..4` (down blocks to 2·dim, 4·dim, 8·dim, 8·dim) →
///   `output` (linear from 4·4·8·dim to 1). Its norms are layer norm under the penalty and
///   BatchNorm for the other losses, as the official `Normalize`.
///
/// Each block is norm → ReLU → 3×3 conv (no bias) → norm → ReLU → 3×3 conv, added to a 1×1
/// shortcut; an up block upsamples (nearest) before its first convolution and its shortcut, a
/// down block mean-pools after its second and before its shortcut. Initialisation as tflib.
public struct GoodResNet64Model: SixtyFourPixelModel {
    public init() {}
    public var name: String { "good-resnet" }
    public var summary: String {
        "gan_64x64.py's default pair (GoodGenerator, GoodDiscriminator): four residual up and down blocks of 3×3 "
            + "convolutions, BatchNorm generator, layer norm critic (BatchNorm without the penalty); 3×64×64"
    }
    public var benchmarkIterations: (timed: Int, warmup: Int) { (1, 1) }
    public var presets: [ModelPreset] {
        [ModelPreset(name: "paper-64-resnet", summary: "the official gan_64x64.py's default architecture in WGAN-GP mode",
                     batchSize: 64, lambda: 10, beta1: 0, iterations: 200_000)]
    }

    public func makeGenerator(_ spec: ModelSpec, using rng: inout RandomGenerator) -> any ImageGenerator {
        GoodResNetGenerator(width: spec.width, latentDimension: spec.latentDimension, channels: spec.imageShape[0], using: &rng)
    }

    public func makeCritic(_ spec: ModelSpec, using rng: inout RandomGenerator) -> Module {
        GoodResNetCritic(width: spec.width, channels: spec.imageShape[0], normalization: spec.criticNormalization ?? .layer, using: &rng)
    }

    public func sizes(_ spec: ModelSpec) -> [ModelSize] {
        [GoodResNetGenerator.size(width: spec.width, latentDimension: spec.latentDimension, channels: spec.imageShape[0]),
         GoodResNetCritic.size(width: spec.width, channels: spec.imageShape[0])]
    }
}

/// Channel multipliers of dim at each block's input and output.
private let generatorLevels = [(8, 8), (8, 4), (4, 2), (2, 1)], criticLevels = [(1, 2), (2, 4), (4, 8), (8, 8)]

/// A residual up block of `gan_64x64.py`: `bn1` → ReLU → upsample → `conv1` (no bias) → `bn2` →
/// ReLU → `conv2`, plus upsample → `shortcut` (1×1).
public final class GoodResNetUpBlock: Module {
    public let shortcut: Conv2d, conv1: Conv2d, conv2: Conv2d
    public let bn1: BatchNorm2d, bn2: BatchNorm2d

    public init(_ from: Int, _ to: Int, using rng: inout RandomGenerator) {
        shortcut = resNetConv(from, to, kernel: 1, he: false, using: &rng)
        bn1 = BatchNorm2d(from)
        conv1 = Conv2d(from, to, kernelSize: 3, padding: 1, bias: false, initialization: .heUniform, using: &rng)
        bn2 = BatchNorm2d(to)
        conv2 = resNetConv(to, to, kernel: 3, using: &rng)
        super.init()
        registerModule("shortcut", shortcut)
        registerModule("bn1", bn1)
        registerModule("conv1", conv1)
        registerModule("bn2", bn2)
        registerModule("conv2", conv2)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        // A 1×1 convolution commutes with nearest upsampling: convolving first does a quarter of the work.
        shortcut(x).upsampledNearest2x() + conv2(bn2(conv1(bn1(x).relu().upsampledNearest2x())).relu())
    }

    /// Parameters of a block from `a` to `b` channels.
    static func parameters(_ a: Int, _ b: Int) -> Int? {
        CheckedSize.sum(CheckedSize.product(a, b), b, CheckedSize.product(2, a), CheckedSize.product(9, a, b), CheckedSize.product(2, b),
                        CheckedSize.product(9, b, b), b)
    }
}

/// A residual down block: `norm1` → ReLU → `conv1` (no bias, keeps the channels) → `norm2` → ReLU
/// → `conv2` → mean pool, plus mean pool → `shortcut` (1×1).
public final class GoodResNetDownBlock: Module {
    public let shortcut: Conv2d, conv1: Conv2d, conv2: Conv2d
    public let norm1: Module, norm2: Module

    public init(_ from: Int, _ to: Int, normalization: CriticNormalization, using rng: inout RandomGenerator) {
        func norm(_ channels: Int) -> Module { normalization == .layer ? LayerNorm2d(channels) : BatchNorm2d(channels) }
        shortcut = resNetConv(from, to, kernel: 1, he: false, using: &rng)
        norm1 = norm(from)
        conv1 = Conv2d(from, from, kernelSize: 3, padding: 1, bias: false, initialization: .heUniform, using: &rng)
        norm2 = norm(from)
        conv2 = resNetConv(from, to, kernel: 3, using: &rng)
        super.init()
        registerModule("shortcut", shortcut)
        registerModule("norm1", norm1)
        registerModule("conv1", conv1)
        registerModule("norm2", norm2)
        registerModule("conv2", conv2)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        // Mean pooling commutes with a 1×1 convolution: pooling first does a quarter of the work.
        shortcut(x.meanPooled2x2()) + conv2(norm2(conv1(norm1(x).relu())).relu()).meanPooled2x2()
    }

    static func parameters(_ a: Int, _ b: Int) -> Int? {
        CheckedSize.sum(CheckedSize.product(a, b), b, CheckedSize.product(4, a), CheckedSize.product(9, a, a), CheckedSize.product(9, a, b), b)
    }
}

/// `GoodGenerator`.
public final class GoodResNetGenerator: Module, ImageGenerator {
    public let latentDimension: Int
    public let width: Int
    public let imageShape: [Int]
    public let input: Linear
    public let blocks: [GoodResNetUpBlock]
    public let outputNorm: BatchNorm2d
    public let output: Conv2d

    public init(width: Int = 64, latentDimension: Int = 128, channels: Int = 3, using rng: inout RandomGenerator) {
        self.width = width
        self.latentDimension = latentDimension
        imageShape = [channels, 64, 64]
        input = Linear(latentDimension, 16 * 8 * width, initialization: .glorotUniform, using: &rng)
        var blocks: [GoodResNetUpBlock] = []
        for (a, b) in generatorLevels { blocks.append(GoodResNetUpBlock(a * width, b * width, using: &rng)) }
        self.blocks = blocks
        outputNorm = BatchNorm2d(width)
        output = resNetConv(width, channels, kernel: 3, using: &rng)
        super.init()
        registerModule("input", input)
        for (i, block) in blocks.enumerated() { registerModule("res\(i + 1)", block) }
        registerModule("output_bn", outputNorm)
        registerModule("output", output)
    }

    public override func forward(_ z: Tensor) -> Tensor {
        var h = input(z).reshaped([z.shape[0], 8 * width, 4, 4])
        for block in blocks { h = block(h) }
        return output(outputNorm(h).relu()).tanh()
    }

    /// The size of a generator with these settings, computed without building it.
    public static func size(width w: Int, latentDimension: Int, channels: Int) -> ModelSize {
        var parameters = CheckedSize.sum(CheckedSize.sum(latentDimension, 1).flatMap { CheckedSize.product($0, 128, w) },
                                         CheckedSize.product(2, w), CheckedSize.product(9, w, channels), channels)
        // Per block about four maps of its output size (normalised, activated, upsampled, convolved), as a
        // training step's peak RSS measures it (2.6 GB at width 32, batch 16).
        var activations = CheckedSize.sum(latentDimension, CheckedSize.product(128, w), CheckedSize.product(3, w, 4096),
                                          CheckedSize.product(2, channels, 4096))
        var side = 4
        for (a, b) in generatorLevels {
            side *= 2
            parameters = CheckedSize.sum(parameters, GoodResNetUpBlock.parameters(a * w, b * w))
            activations = CheckedSize.sum(activations, CheckedSize.product(4, b, w, side, side))
        }
        return ModelSize(parameters: parameters, activationsPerSample: activations)
    }
}

/// `GoodDiscriminator`. Each sample is scored on its own under layer norm, as the penalty requires;
/// with BatchNorm (`normalization` `.batch`) `WGANGPStep` refuses it.
public final class GoodResNetCritic: Module, PerSampleCritic {
    public let width: Int
    public let input: Conv2d
    public let blocks: [GoodResNetDownBlock]
    public let output: Linear

    public init(width: Int = 64, channels: Int = 3, normalization: CriticNormalization = .layer, using rng: inout RandomGenerator) {
        self.width = width
        input = resNetConv(channels, width, kernel: 3, he: false, using: &rng)
        var blocks: [GoodResNetDownBlock] = []
        for (a, b) in criticLevels { blocks.append(GoodResNetDownBlock(a * width, b * width, normalization: normalization, using: &rng)) }
        self.blocks = blocks
        output = Linear(16 * 8 * width, 1, initialization: .glorotUniform, using: &rng)
        super.init()
        registerModule("input", input)
        for (i, block) in blocks.enumerated() { registerModule("res\(i + 1)", block) }
        registerModule("output", output)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        var h = input(x)
        for block in blocks { h = block(h) }
        return output(h.flattened())
    }

    /// The size of a critic with these settings, computed without building it.
    public static func size(width w: Int, channels: Int) -> ModelSize {
        var parameters = CheckedSize.sum(CheckedSize.product(9, channels, w), w, CheckedSize.product(128, w), 1)
        var activations = CheckedSize.sum(CheckedSize.product(channels, 4096), CheckedSize.product(w, 4096))
        var side = 64
        for (a, b) in criticLevels {
            parameters = CheckedSize.sum(parameters, GoodResNetDownBlock.parameters(a * w, b * w))
            // About four maps of each block's input size: norms, activations, convolutions, pools.
            activations = CheckedSize.sum(activations, CheckedSize.product(4, a, w, side, side))
            side /= 2
        }
        return ModelSize(parameters: parameters, activationsPerSample: activations)
    }
}
