import WGANEngine
import WGANNN

/// A generator: latent vectors [N, latentDimension] in, samples [N] + imageShape out.
public protocol ImageGenerator: Module {
    var latentDimension: Int { get }
    /// [channels, height, width] of one image, or [2] for 2-D points.
    var imageShape: [Int] { get }
}

/// A generator with a conditional variant: with `classes` > 0, each latent vector comes with
/// its sample's class (`labels`, one per row, or nil for an unconditional generator).
public protocol ConditionalImageGenerator: ImageGenerator {
    /// Classes of the conditional generator, 0 for the unconditional one.
    var classes: Int { get }
    func callAsFunction(_ z: Tensor, labels: [Int]?) -> Tensor
}

extension ImageGenerator {
    /// Classes this generator takes (0: unconditional).
    public var classCount: Int { (self as? any ConditionalImageGenerator)?.classes ?? 0 }

    /// G(z), or G(z, labels) for a conditional generator (which needs them).
    public func generate(_ z: Tensor, labels: [Int]?) -> Tensor {
        if let conditional = self as? any ConditionalImageGenerator, conditional.classes > 0 { return conditional(z, labels: labels) }
        return self(z)
    }
}

/// The range of a generator's pixels, which the real images are scaled to.
public enum PixelValues: String, Sendable {
    /// [-1, 1]: a tanh output (the seed).
    case symmetric
    /// [0, 1]: a sigmoid output (the paper's MNIST model).
    case unit
}

/// What a model's generator makes, and so what it trains on.
public enum SampleKind: Sendable, Equatable {
    /// Images [C, H, W]. `side` nil: any size (an MLP); otherwise `side`×`side` with one of
    /// `channels` channels.
    case images(side: Int?, channels: [Int])
    /// 2-D points (the toy experiments).
    case points
}

/// One model pair, declared in one place: everything the trainer, the sampler, checkpoints, the
/// benchmark, the command line's help and the tests need to know of it. A model is a file that
/// defines its generator, its critic and a value of this protocol, and one entry in
/// `ModelCatalogue.builtIn`; a Swift user's own pair conforms to it in their own package and trains
/// through `TrainingRun` without being listed.
///
/// Two properties of a pair are declared by its layers rather than here, so that they cannot
/// drift from the code: a critic scores each sample on its own when its class conforms to
/// `PerSampleCritic`, and the layers that hold batch statistics are its `BatchNorm`s
/// (`Module.batchStatisticsLayers`), which data-parallel training synchronises.
public protocol GANModel: Sendable {
    /// The name `--model` takes and every checkpoint records.
    var name: String { get }
    /// One line for `--help` and the README's model table.
    var summary: String { get }
    /// What the generator makes: images of a size, or 2-D points.
    var samples: SampleKind { get }
    /// The shape of one sample when the data does not fix it ([C, H, W], or [2] for points).
    var defaultImageShape: [Int] { get }
    /// The latent size of the model's own code, when `--latent-dim` is not given.
    var defaultLatentDimension: Int { get }
    /// The width (the official code's DIM) of the model's own code, when `--dim` is not given.
    var defaultWidth: Int { get }
    /// The range of the generator's pixels; the real images are scaled to it.
    var pixelValues: PixelValues { get }
    /// How the penalty's interpolates are written, so that a step reproduces its reference.
    var interpolation: InterpolationForm { get }
    /// The settings that train the model as its paper does (`--preset NAME`); the first is the
    /// model's own, and a model may bring more.
    var presets: [ModelPreset] { get }
    /// `wgan bench`'s timed and untimed iterations when none are given.
    var benchmarkIterations: (timed: Int, warmup: Int) { get }
    /// Whether the model has a conditional variant (`--conditional`: a generator that takes each
    /// sample's class, a critic with an AC-GAN head), built when its spec names classes.
    var hasConditionalVariant: Bool { get }

    /// A new generator for `spec`, initialised from `rng`.
    func makeGenerator(_ spec: ModelSpec, using rng: inout RandomGenerator) -> any ImageGenerator
    /// A new critic for `spec`, initialised from `rng` (after the generator).
    func makeCritic(_ spec: ModelSpec, using rng: inout RandomGenerator) -> Module
    /// The generator's and the critic's sizes for `spec`, computed without building them (for
    /// the memory check before a run starts); nil entries stand for overflowing sizes.
    func sizes(_ spec: ModelSpec) -> [ModelSize]
    /// Why `spec` cannot be built by this model, or nil. The default checks the data's shape
    /// against `samples` and that width and latent size are at least one.
    func problem(with spec: ModelSpec) -> String?
}

extension GANModel {
    /// The spec of this model at its own defaults, or with the given width, latent size and shape.
    public func spec(width: Int? = nil, latentDimension: Int? = nil, imageShape: [Int]? = nil) -> ModelSpec {
        ModelSpec(model: name, latentDimension: latentDimension ?? defaultLatentDimension, width: width ?? defaultWidth,
                  imageShape: imageShape ?? defaultImageShape)
    }

    public var benchmarkIterations: (timed: Int, warmup: Int) { (3, 1) }

    public var hasConditionalVariant: Bool { false }

    /// Why `spec` cannot be built by this model (data of a shape it does not make, a width or
    /// latent size below one), or nil.
    public func problem(with spec: ModelSpec) -> String? {
        let found = spec.imageShape.map(String.init).joined(separator: "×")
        switch samples {
        case .points:
            guard spec.imageShape == [2] else {
                return "the \(name) model makes 2-D points; the data are \(found) images "
                    + "(use a toy --dataset: 8gaussians, 25gaussians or swissroll)"
            }
        case .images(let side, let channels):
            guard spec.imageShape != [2] else {
                return "\(name) makes images; the toy datasets are 2-D points (use --model \(ModelCatalogue.builtIn.pointModelNames))"
            }
            guard spec.imageShape.count == 3, spec.imageShape.allSatisfy({ $0 >= 1 }) else {
                return "image shape \(spec.imageShape) is not [C, H, W]"
            }
            if let side, !(channels.contains(spec.imageShape[0]) && spec.imageShape[1] == side && spec.imageShape[2] == side) {
                let shapes = channels.map { "\($0)×\(side)×\(side)" }
                if shapes.count == 1 { return "\(name) makes \(shapes[0]) images; the data's are \(found)" }
                return "\(name) makes \(shapes.last!) (or \(shapes.dropLast().joined(separator: ", "))) images; the data's are \(found)"
                    + " — pass --image-size \(side) --channels \(channels.max()!) with an image folder"
            }
        }
        if let classes = spec.classNames {
            guard hasConditionalVariant else {
                return "\(name) has no conditional variant; --conditional needs --model \(ModelCatalogue.builtIn.conditionalModelNames)"
            }
            guard classes.count >= 2 else { return "a conditional model needs at least 2 classes, got \(classes.count)" }
        }
        guard spec.latentDimension >= 1 else { return "the latent dimension must be at least 1, got \(spec.latentDimension)" }
        return spec.width >= 1 ? nil : "--dim must be at least 1, got \(spec.width)"
    }
}

extension ModelPreset {
    /// The preset as `--help` lists it: what it reproduces and every value it sets, on `model`.
    public func description(of model: any GANModel) -> String {
        let rates = criticLearningRate == generatorLearningRate ? "Adam \(criticLearningRate) for both"
            : "Adam \(criticLearningRate) (critic) and \(generatorLearningRate) (generator)"
        return "\(summary): --model \(model.name) (width \(model.defaultWidth), latent \(model.defaultLatentDimension))"
            + (dataset.map { " on \($0)" } ?? "") + ", batch \(batchSize)" + (generatorBatchSize.map { " (generator \($0))" } ?? "")
            + ", n_critic \(criticSteps), λ \(lambda), \(rates) with betas "
            + "(\(beta1), \(beta2))" + (learningRateDecay == .linear ? " decayed linearly to 0" : "") + ", "
            + (iterations.map { "\($0) generator iterations" } ?? "100 epochs")
            + (dequantize ? ", pixels 2·(x/256 − 0.5) + U[0, 1/128)" : "")
    }
}

/// The settings a model's own code trains it with, named for `--preset`: the optimiser's, the
/// penalty's and the run's length. The preset also selects its model at the model's own width and
/// latent size.
public struct ModelPreset: Sendable {
    public var name: String
    /// What the preset reproduces ("the official gan_mnist.py"); `description(of:)` adds its values.
    public var summary: String
    public var batchSize: Int
    /// Critic steps per generator step (the paper's n_critic).
    public var criticSteps = 5
    public var lambda: Double
    public var criticLearningRate = 1e-4
    public var generatorLearningRate = 1e-4
    public var beta1: Double
    public var beta2 = 0.9
    /// Generator iterations (the paper's unit), or nil to count epochs.
    public var iterations: Int?
    /// The dataset trained on, when the model needs its own (the toy sets).
    public var dataset: String?
    /// How the learning rates fall over the run's iterations (the ResNet's: linearly to 0).
    public var learningRateDecay = LearningRateDecay.none
    /// Latent vectors per generator step, when not the critic's batch size (the ResNet's: 128).
    public var generatorBatchSize: Int?
    /// Whether real pixels are read as the official ResNet code reads them: 2·(x/256 − 0.5) plus
    /// uniform noise in [0, 1/128).
    public var dequantize = false

    /// The official WGAN-GP scripts' shared settings: five critic steps, Adam 1e-4 for both
    /// networks with betas (beta1, 0.9).
    public init(name: String, summary: String, batchSize: Int, lambda: Double, beta1: Double, iterations: Int?, dataset: String? = nil) {
        self.name = name
        self.summary = summary
        self.batchSize = batchSize
        self.lambda = lambda
        self.beta1 = beta1
        self.iterations = iterations
        self.dataset = dataset
    }
}
