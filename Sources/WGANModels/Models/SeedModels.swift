import WGANEngine
import WGANNN

/// The seed script's MLP pair (`--model seed`), any image size, and its two presets: the seed
/// script's settings and Algorithm 1's.
public struct SeedModel: GANModel {
    public init() {}
    public var name: String { "seed" }
    public var summary: String { "the seed script's MLPs: BatchNorm generator with tanh, MLP critic; any image size" }
    public var samples: SampleKind { .images(side: nil, channels: []) }
    public var defaultImageShape: [Int] { [1, 28, 28] }
    public var defaultLatentDimension: Int { 100 }
    public var defaultWidth: Int { 64 }
    public var pixelValues: PixelValues { .symmetric }
    public var interpolation: InterpolationForm { .seed }
    public var benchmarkIterations: (timed: Int, warmup: Int) { (200, 20) }
    public var presets: [ModelPreset] {
        var seed = ModelPreset(name: "seed", summary: "the seed script", batchSize: 64, lambda: 10, beta1: 0.9, iterations: nil)
        (seed.criticSteps, seed.criticLearningRate, seed.generatorLearningRate, seed.beta2) = (1, 4e-3, 1e-3, 0.999)
        let paper = ModelPreset(name: "paper", summary: "Algorithm 1 of Gulrajani et al. on the seed's MLPs", batchSize: 64, lambda: 10,
                                beta1: 0, iterations: nil)
        return [seed, paper]
    }

    public func makeGenerator(_ spec: ModelSpec, using rng: inout RandomGenerator) -> any ImageGenerator {
        SeedGenerator(latentDimension: spec.latentDimension, imageShape: spec.imageShape, using: &rng)
    }

    public func makeCritic(_ spec: ModelSpec, using rng: inout RandomGenerator) -> Module {
        SeedCritic(inputSize: spec.imageShape.reduce(1, *), using: &rng)
    }

    public func sizes(_ spec: ModelSpec) -> [ModelSize] {
        let pixels = spec.imageShape.reduce(Optional(1)) { total, side in total.flatMap { CheckedSize.product($0, side) } } ?? Int.max
        return [SeedGenerator.size(latentDimension: spec.latentDimension, pixels: pixels), SeedCritic.size(pixels: pixels)]
    }
}

/// The seed script's MLP generator: latent → 128 → 256 → 512 → 1024 → 784, BatchNorm1d with
/// eps 0.8 (the seed's `BatchNorm1d(n, 0.8)`), LeakyReLU 0.2, tanh, reshaped to [N, 1, 28, 28].
/// Attribute names are the seed's, so state dicts load into its PyTorch class.
public final class SeedGenerator: Module, ImageGenerator {
    public let latentDimension: Int
    public let imageShape: [Int]
    public let linear1, linear2, linear3, linear4, linear5: Linear
    public let bn2, bn3, bn4: BatchNorm1d
    public let negativeSlope: Float = 0.2

    public init(latentDimension: Int = 100, imageShape: [Int] = [1, 28, 28], using rng: inout RandomGenerator) {
        self.latentDimension = latentDimension
        self.imageShape = imageShape
        let pixels = Shape.count(imageShape)
        // Registration order is the seed's attribute order, which fixes the state dict's order.
        linear1 = Linear(latentDimension, 128, using: &rng)
        linear2 = Linear(128, 256, using: &rng)
        bn2 = BatchNorm1d(256, eps: 0.8)
        linear3 = Linear(256, 512, using: &rng)
        bn3 = BatchNorm1d(512, eps: 0.8)
        linear4 = Linear(512, 1024, using: &rng)
        bn4 = BatchNorm1d(1024, eps: 0.8)
        linear5 = Linear(1024, pixels, using: &rng)
        super.init()
        registerModule("linear1", linear1)
        registerModule("linear2", linear2)
        registerModule("bn2", bn2)
        registerModule("linear3", linear3)
        registerModule("bn3", bn3)
        registerModule("linear4", linear4)
        registerModule("bn4", bn4)
        registerModule("linear5", linear5)
    }

    /// The size of a generator with these settings, computed without building it.
    public static func size(latentDimension: Int, pixels: Int) -> ModelSize {
        let widths = [128, 256, 512, 1024]
        let batchNormParameters = 4 * (256 + 512 + 1024)
        let parameters = CheckedSize.sum(CheckedSize.sum(latentDimension, 1).flatMap { CheckedSize.product($0, 128) }, 129 * 256 + 257 * 512 + 513 * 1024,
                                          CheckedSize.product(1025, pixels), batchNormParameters)
        // A linear layer's output, its normalised form and its activation, per layer.
        let activations = CheckedSize.sum(latentDimension, 3 * widths.reduce(0, +), CheckedSize.product(2, pixels))
        return ModelSize(parameters: parameters, activationsPerSample: activations)
    }

    public override func forward(_ z: Tensor) -> Tensor {
        var h = linear1(z).leakyReLU(negativeSlope: negativeSlope)
        h = bn2(linear2(h)).leakyReLU(negativeSlope: negativeSlope)
        h = bn3(linear3(h)).leakyReLU(negativeSlope: negativeSlope)
        h = bn4(linear4(h)).leakyReLU(negativeSlope: negativeSlope)
        return linear5(h).tanh().reshaped([z.shape[0]] + imageShape)
    }
}

/// The seed script's MLP critic ("Discriminator"): 784 → 512 → 256 → 1 with LeakyReLU 0.2 and
/// no normalisation (BatchNorm would couple the samples the gradient penalty treats apart).
public final class SeedCritic: Module {
    public let linear1, linear2, linear3: Linear
    public let negativeSlope: Float = 0.2

    public init(inputSize: Int = 784, using rng: inout RandomGenerator) {
        linear1 = Linear(inputSize, 512, using: &rng)
        linear2 = Linear(512, 256, using: &rng)
        linear3 = Linear(256, 1, using: &rng)
        super.init()
        registerModule("linear1", linear1)
        registerModule("linear2", linear2)
        registerModule("linear3", linear3)
    }

    /// The size of a critic of images of `pixels` values, computed without building it.
    public static func size(pixels: Int) -> ModelSize {
        ModelSize(parameters: CheckedSize.sum(CheckedSize.sum(pixels, 1).flatMap { CheckedSize.product($0, 512) }, 513 * 256 + 257),
                  activationsPerSample: CheckedSize.sum(pixels, 2 * (512 + 256 + 1)))
    }

    public override func forward(_ x: Tensor) -> Tensor {
        layersAfterTheFirst(linear1(x.flattened()))
    }

    private func layersAfterTheFirst(_ firstLinear: Tensor) -> Tensor {
        let h = linear2(firstLinear.leakyReLU(negativeSlope: negativeSlope)).leakyReLU(negativeSlope: negativeSlope)
        return linear3(h)
    }
}

extension SeedCritic: LinearInputCritic {
    public func inputProduct(_ x: Tensor) -> Tensor {
        linear1.product(x.flattened())
    }

    public func forward(_ x: Tensor, inputProduct: Tensor) -> Tensor {
        layersAfterTheFirst(linear1.forward(x.flattened(), product: inputProduct))
    }
}
