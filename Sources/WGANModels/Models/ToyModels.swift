import WGANEngine
import WGANNN

/// The paper's toy MLPs (`--model toy`: the official gan_toy.py) on 2-D points.
public struct ToyModel: GANModel {
    public init() {}
    public var name: String { "toy" }
    public var summary: String { "the paper's toy MLPs (gan_toy.py): three ReLU layers of width 512, on 2-D points" }
    public var samples: SampleKind { .points }
    public var defaultImageShape: [Int] { [2] }
    public var defaultLatentDimension: Int { 2 }
    public var defaultWidth: Int { 512 }
    public var pixelValues: PixelValues { .symmetric }
    public var interpolation: InterpolationForm { .seed }
    public var benchmarkIterations: (timed: Int, warmup: Int) { (200, 20) }
    public var presets: [ModelPreset] {
        [ModelPreset(name: "toy", summary: "the official gan_toy.py, a frame every 1,000 iterations", batchSize: 256, lambda: 0.1, beta1: 0.5,
                     iterations: 100_000, dataset: "8gaussians")]
    }

    public func makeGenerator(_ spec: ModelSpec, using rng: inout RandomGenerator) -> any ImageGenerator {
        ToyGenerator(latentDimension: spec.latentDimension, width: spec.width, using: &rng)
    }

    public func makeCritic(_ spec: ModelSpec, using rng: inout RandomGenerator) -> Module {
        ToyCritic(width: spec.width, using: &rng)
    }

    public func sizes(_ spec: ModelSpec) -> [ModelSize] {
        [ToyGenerator.size(latentDimension: spec.latentDimension, width: spec.width), ToyCritic.size(width: spec.width)]
    }
}

/// The official `gan_toy.py` generator: noise → 512 → 512 → 512 → 2 with ReLU, the hidden layers
/// He-initialised and the last Glorot-initialised as tflib does. Its "images" are 2-D points.
public final class ToyGenerator: Module, ImageGenerator {
    public let latentDimension: Int
    public let imageShape: [Int] = [2]
    public let layers: [Linear]

    public init(latentDimension: Int = 2, width: Int = 512, using rng: inout RandomGenerator) {
        self.latentDimension = latentDimension
        layers = ToyLayers.make(input: latentDimension, width: width, hidden: 3, output: 2, using: &rng)
        super.init()
        ToyLayers.register(layers, in: self)
    }

    /// The size of a generator with these settings, computed without building it.
    public static func size(latentDimension: Int, width: Int) -> ModelSize {
        ToyLayers.size(input: latentDimension, width: width, hidden: 3, output: 2)
    }

    public override func forward(_ z: Tensor) -> Tensor {
        ToyLayers.forward(z, through: layers).output
    }
}

/// The official `gan_toy.py` critic: 2 → 512 → 512 → 512 → 1 with ReLU; `hiddenLayers` makes it
/// deeper (the paper's Figure 1b uses twelve).
public final class ToyCritic: Module {
    public let layers: [Linear]

    public init(width: Int = 512, hiddenLayers: Int = 3, using rng: inout RandomGenerator) {
        layers = ToyLayers.make(input: 2, width: width, hidden: hiddenLayers, output: 1, using: &rng)
        super.init()
        ToyLayers.register(layers, in: self)
    }

    /// The size of a critic with these settings, computed without building it.
    public static func size(width: Int, hiddenLayers: Int = 3) -> ModelSize {
        ToyLayers.size(input: 2, width: width, hidden: hiddenLayers, output: 1)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        ToyLayers.forward(x.reshaped([x.shape[0], 2]), through: layers).output
    }

    /// The critic's output and each hidden layer's activation (after its ReLU), in order, for
    /// measuring how the loss's gradient changes from layer to layer.
    public func forwardKeepingActivations(_ x: Tensor) -> (output: Tensor, activations: [Tensor]) {
        ToyLayers.forward(x.reshaped([x.shape[0], 2]), through: layers)
    }
}

/// The toy models' shared shape: `hidden` ReLU layers of `width`, then a linear output layer,
/// named `layers.0`, `layers.1`, … like an `nn.Sequential`'s linear layers.
enum ToyLayers {
    static func make(input: Int, width: Int, hidden: Int, output: Int, using rng: inout RandomGenerator) -> [Linear] {
        var layers: [Linear] = []
        for i in 0..<hidden {
            layers.append(Linear(i == 0 ? input : width, width, initialization: .heUniform, using: &rng))
        }
        layers.append(Linear(hidden == 0 ? input : width, output, initialization: .glorotUniform, using: &rng))
        return layers
    }

    static func register(_ layers: [Linear], in module: Module) {
        for (i, layer) in layers.enumerated() { module.registerModule("layers.\(i)", layer) }
    }

    static func forward(_ x: Tensor, through layers: [Linear]) -> (output: Tensor, activations: [Tensor]) {
        var h = x, activations: [Tensor] = []
        for layer in layers.dropLast() {
            h = layer(h).relu()
            activations.append(h)
        }
        return (layers[layers.count - 1](h), activations)
    }

    static func size(input: Int, width: Int, hidden: Int, output: Int) -> ModelSize {
        var parameters: Int? = 0, fanIn = input
        for _ in 0..<hidden {
            parameters = CheckedSize.sum(parameters, CheckedSize.sum(fanIn, 1).flatMap { CheckedSize.product($0, width) })
            fanIn = width
        }
        parameters = CheckedSize.sum(parameters, CheckedSize.product(fanIn + 1, output))
        let activations = CheckedSize.sum(input, CheckedSize.product(2 * hidden, width), output)
        return ModelSize(parameters: parameters, activationsPerSample: activations)
    }
}

/// The paper's Figure 1a setting, `--fixed-generator`: no network, the "generator" returns its
/// input, to which the trainer passes real points plus N(0, 1) noise.
public final class FixedNoiseGenerator: Module, ImageGenerator {
    public let latentDimension = 2
    public let imageShape: [Int] = [2]

    public override init() { super.init() }

    public override func forward(_ z: Tensor) -> Tensor { z }
}
