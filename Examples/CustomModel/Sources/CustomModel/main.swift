import WGAN
import WGANEngine
import WGANModels
import WGANNN

/// z → 7×7 maps → two 4×4 transposed convolutions (stride 2) → a 1×28×28 image in [−1, 1].
final class SmallGenerator: Module, ImageGenerator {
    let latentDimension: Int, width: Int
    let imageShape = [1, 28, 28]
    let linear: Linear, up1: ConvTranspose2d, up2: ConvTranspose2d

    init(latentDimension: Int, width: Int, using rng: inout RandomGenerator) {
        (self.latentDimension, self.width) = (latentDimension, width)
        linear = Linear(latentDimension, 2 * width * 7 * 7, using: &rng)
        up1 = ConvTranspose2d(2 * width, width, kernelSize: 4, stride: 2, padding: 1, using: &rng)
        up2 = ConvTranspose2d(width, 1, kernelSize: 4, stride: 2, padding: 1, using: &rng)
        super.init()
        registerModule("linear", linear); registerModule("up1", up1); registerModule("up2", up2)
    }

    override func forward(_ z: Tensor) -> Tensor {
        let maps = linear(z).relu().reshaped([z.shape[0], 2 * width, 7, 7])
        return up2(up1(maps).relu()).tanh()
    }
}

/// Two strided convolutions and a linear score; no batch statistics, so each sample is scored on
/// its own, as the gradient penalty requires (declared by `PerSampleCritic`).
final class SmallCritic: Module, PerSampleCritic {
    let down1: Conv2d, down2: Conv2d, score: Linear

    init(width: Int, using rng: inout RandomGenerator) {
        down1 = Conv2d(1, width, kernelSize: 4, stride: 2, padding: 1, using: &rng)
        down2 = Conv2d(width, 2 * width, kernelSize: 4, stride: 2, padding: 1, using: &rng)
        score = Linear(2 * width * 7 * 7, 1, using: &rng)
        super.init()
        registerModule("down1", down1); registerModule("down2", down2); registerModule("score", score)
    }

    override func forward(_ x: Tensor) -> Tensor {
        score(down2(down1(x).leakyReLU(negativeSlope: 0.2)).leakyReLU(negativeSlope: 0.2).flattened())
    }
}

/// Everything `wgan`'s trainer needs to know of the pair.
struct SmallConvModel: GANModel {
    var name: String { "small-conv" }
    var summary: String { "a small convolutional pair for 1×28×28 images" }
    var samples: SampleKind { .images(side: 28, channels: [1]) }
    var defaultImageShape: [Int] { [1, 28, 28] }
    var defaultLatentDimension: Int { 32 }
    var defaultWidth: Int { 16 }
    var pixelValues: PixelValues { .symmetric }
    var interpolation: InterpolationForm { .official }
    var presets: [ModelPreset] {
        [ModelPreset(name: "small-conv", summary: "Algorithm 1's settings, batch 32", batchSize: 32, lambda: 10, beta1: 0.5, iterations: 2_000)]
    }

    func makeGenerator(_ spec: ModelSpec, using rng: inout RandomGenerator) -> any ImageGenerator {
        SmallGenerator(latentDimension: spec.latentDimension, width: spec.width, using: &rng)
    }

    func makeCritic(_ spec: ModelSpec, using rng: inout RandomGenerator) -> Module { SmallCritic(width: spec.width, using: &rng) }

    func sizes(_ spec: ModelSpec) -> [ModelSize] {
        let (w, z) = (spec.width, spec.latentDimension)
        return [ModelSize(parameters: (z + 1) * 98 * w + 32 * w * w + 17 * w + 1, activationsPerSample: 300 * w + 3 * 784),
                ModelSize(parameters: 32 * w * w + 117 * w + 1, activationsPerSample: 150 * w + 784)]
    }
}

// `CustomModel --max-steps 20 --out runs/small`: every flag of `wgan train` works here.
TrainingRun.main(SmallConvModel())
