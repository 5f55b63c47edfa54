import WGANEngine
import WGANNN

/// `--model mlp-g`: the paper's Figure 2 row "512-dim 4-layer ReLU MLP generator" (`gan_64x64.py`'s
/// `FCGenerator`) against the DCGAN critic; trains with `paper-64`'s settings. `--dim` sets the
/// critic's width; the generator's hidden width is the official 512.
public struct MLPGeneratorModel: SixtyFourPixelModel {
    public init() {}
    public var name: String { "mlp-g" }
    public var summary: String { "gan_64x64.py's MLP generator (four ReLU layers of 512) against the DCGAN critic; 3×64×64" }

    public func makeGenerator(_ spec: ModelSpec, using rng: inout RandomGenerator) -> any ImageGenerator {
        MLPImageGenerator(latentDimension: spec.latentDimension, imageShape: spec.imageShape, using: &rng)
    }

    public func makeCritic(_ spec: ModelSpec, using rng: inout RandomGenerator) -> Module {
        dcganCritic(spec, using: &rng)
    }

    public func sizes(_ spec: ModelSpec) -> [ModelSize] {
        [MLPImageGenerator.size(latentDimension: spec.latentDimension, pixels: spec.imageShape.reduce(1, *)), dcganCriticSize(spec)]
    }
}

/// z → `fc1..4` (512 units, tflib's `he` initialisation, ReLU) → `out` (linear to every pixel,
/// tflib's Glorot) → tanh → [C, H, W].
public final class MLPImageGenerator: Module, ImageGenerator {
    public static let hiddenWidth = 512
    public let latentDimension: Int
    public let imageShape: [Int]
    public let hidden: [Linear]
    public let out: Linear

    public init(latentDimension: Int = 128, imageShape: [Int] = [3, 64, 64], using rng: inout RandomGenerator) {
        self.latentDimension = latentDimension
        self.imageShape = imageShape
        let width = Self.hiddenWidth
        hidden = [latentDimension, width, width, width].map { Linear($0, width, initialization: .heUniform, using: &rng) }
        out = Linear(width, imageShape.reduce(1, *), initialization: .glorotUniform, using: &rng)
        super.init()
        for (i, layer) in hidden.enumerated() { registerModule("fc\(i + 1)", layer) }
        registerModule("out", out)
    }

    public override func forward(_ z: Tensor) -> Tensor {
        var h = z
        for layer in hidden { h = layer(h).relu() }
        return out(h).tanh().reshaped([z.shape[0]] + imageShape)
    }

    /// The size of a generator with these settings, computed without building it.
    public static func size(latentDimension: Int, pixels: Int) -> ModelSize {
        let width = hiddenWidth
        let parameters = CheckedSize.sum(CheckedSize.product(latentDimension + 1, width), CheckedSize.product(3, width + 1, width),
                                         CheckedSize.product(width + 1, pixels))
        let activations = CheckedSize.sum(latentDimension, CheckedSize.product(8, width), CheckedSize.product(2, pixels))
        return ModelSize(parameters: parameters, activationsPerSample: activations)
    }
}
