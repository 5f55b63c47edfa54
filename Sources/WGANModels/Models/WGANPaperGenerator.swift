import WGANEngine
import WGANNN

/// `--model wgan-paper`: the paper's Figure 2 row "no BN and a constant number of filters in G"
/// (`gan_64x64.py`'s `WGANPaper_CrippledDCGANGenerator`, after the WGAN paper's weakened
/// generator) against the DCGAN critic; trains with `paper-64`'s settings.
public struct WGANPaperModel: SixtyFourPixelModel {
    public init() {}
    public var name: String { "wgan-paper" }
    public var summary: String {
        "gan_64x64.py's WGAN-paper generator (no BatchNorm, dim filters throughout) against the DCGAN critic; 3×64×64"
    }

    public func makeGenerator(_ spec: ModelSpec, using rng: inout RandomGenerator) -> any ImageGenerator {
        WGANPaperGenerator(width: spec.width, latentDimension: spec.latentDimension, channels: spec.imageShape[0], using: &rng)
    }

    public func makeCritic(_ spec: ModelSpec, using rng: inout RandomGenerator) -> Module {
        dcganCritic(spec, using: &rng)
    }

    public func sizes(_ spec: ModelSpec) -> [ModelSize] {
        [WGANPaperGenerator.size(width: spec.width, latentDimension: spec.latentDimension, channels: spec.imageShape[0]),
         dcganCriticSize(spec)]
    }
}

/// z → `linear` (4·4·dim, tflib's Glorot) → ReLU → [dim, 4, 4] → `deconv1..3` (5×5 stride 2,
/// dim → dim, tflib's He; ReLU) → `deconv4` (to the image's channels) → tanh. Unlike the DCGAN
/// pair this file keeps tflib's default initialisation (it sets no weight deviation).
public final class WGANPaperGenerator: Module, ImageGenerator {
    public let latentDimension: Int
    public let width: Int
    public let imageShape: [Int]
    public let linear: Linear
    public let deconvs: [ConvTranspose2d]

    public init(width: Int = 64, latentDimension: Int = 128, channels: Int = 3, using rng: inout RandomGenerator) {
        self.width = width
        self.latentDimension = latentDimension
        imageShape = [channels, 64, 64]
        linear = Linear(latentDimension, 16 * width, initialization: .glorotUniform, using: &rng)
        deconvs = [width, width, width, channels].map { to in
            ConvTranspose2d(width, to, kernelSize: 5, stride: 2, padding: 2, outputPadding: 1, initialization: .heUniform, using: &rng)
        }
        super.init()
        registerModule("linear", linear)
        for (i, deconv) in deconvs.enumerated() { registerModule("deconv\(i + 1)", deconv) }
    }

    public override func forward(_ z: Tensor) -> Tensor {
        var h = linear(z).relu().reshaped([z.shape[0], width, 4, 4])
        for deconv in deconvs.dropLast() { h = deconv(h).relu() }
        return deconvs.last!(h).tanh()
    }

    /// The size of a generator with these settings, computed without building it.
    public static func size(width w: Int, latentDimension: Int, channels: Int) -> ModelSize {
        let parameters = CheckedSize.sum(CheckedSize.sum(latentDimension, 1).flatMap { CheckedSize.product($0, 16, w) },
                                         CheckedSize.sum(CheckedSize.product(25, w, w), w).flatMap { CheckedSize.product(3, $0) },
                                         CheckedSize.product(25, w, channels), channels)
        // Each layer's output and its activation.
        let activations = CheckedSize.sum(latentDimension, CheckedSize.product(2, 16, w),
                                          CheckedSize.product(2, w, 64 + 256 + 1024), CheckedSize.product(2, channels, 4096))
        return ModelSize(parameters: parameters, activationsPerSample: activations)
    }
}
