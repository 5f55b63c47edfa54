import WGANEngine
import WGANModels
import WGANNN
import WGANOptim

/// A run's two models, their optimizers and the step over them, built from the run's settings by
/// the run's `GANModel`.
public final class TrainingModels {
    public let model: any GANModel
    public let spec: ModelSpec
    public let generator: any ImageGenerator
    public let critic: Module
    public let generatorOptimizer: Optimizer
    public let criticOptimizer: Optimizer
    public let step: AdversarialStep

    /// Classes of a conditional run's models, 0 otherwise.
    public var classCount: Int { spec.classCount }

    /// Initialises the generator, then the critic, from `rng`; a conditional run's
    /// (`--conditional`) with the data's `classNames`.
    ///
    /// - Throws: `TrainingError.invalidSetting` when the model cannot take this data or cannot be
    ///   trained with the penalty.
    public init(config: TrainingConfig, model: any GANModel, imageShape: [Int], classNames: [String]? = nil,
                using rng: inout RandomGenerator) throws(TrainingError) {
        self.model = model
        spec = config.modelSpec(imageShape: imageShape, classNames: classNames)
        if config.conditional && classNames == nil { throw .invalidSetting("--conditional needs images with classes") }
        try Self.check(spec, of: model)
        if config.fixedGenerator && model.samples != .points {
            throw .invalidSetting("--fixed-generator needs a model of 2-D points (--model \(ModelCatalogue.builtIn.pointModelNames))")
        }
        generator = config.fixedGenerator ? FixedNoiseGenerator() : model.makeGenerator(spec, using: &rng)
        critic = model.makeCritic(spec, using: &rng)
        let betas = (Float(config.beta1), Float(config.beta2))
        func optimizer(_ parameters: [Tensor], _ learningRate: Double) -> Optimizer {
            config.trainingLoss.optimizer(parameters: parameters, learningRate: Float(learningRate), betas: betas)
        }
        generatorOptimizer = optimizer(generator.parameters, config.generatorLearningRate)
        criticOptimizer = optimizer(critic.parameters, config.criticLearningRate)
        if config.trainingLoss == .clipping {
            step = WGANClippingStep(generator: generator, critic: critic, generatorOptimizer: generatorOptimizer,
                                    criticOptimizer: criticOptimizer, clip: Float(config.clip))
            return
        }
        if let objective = config.trainingLoss.discriminatorObjective {
            step = StandardGANStep(generator: generator, critic: critic, generatorOptimizer: generatorOptimizer,
                                   criticOptimizer: criticOptimizer, objective: objective)
            return
        }
        if spec.classCount > 0 {
            guard let generator = generator as? CIFARResNetGenerator, let critic = critic as? CIFARResNetCritic else {
                throw .invalidSetting("--model \(model.name) has no AC-WGAN-GP step; --conditional needs --model "
                                      + ModelCatalogue.builtIn.conditionalModelNames)
            }
            step = ConditionalAdversarialStep(ACWGANGPStep(generator: generator, critic: critic, generatorOptimizer: generatorOptimizer,
                                                           criticOptimizer: criticOptimizer, lambda: Float(config.lambda)))
            return
        }
        do {
            step = try WGANGPStep(generator: generator, critic: critic, generatorOptimizer: generatorOptimizer,
                                  criticOptimizer: criticOptimizer, lambda: Float(config.lambda), penaltyNorm: config.penalty,
                                  interpolation: model.interpolation)
        } catch {
            throw .invalidSetting("--model \(model.name): \(error.description)")
        }
    }

    private static func check(_ spec: ModelSpec, of model: any GANModel) throws(TrainingError) {
        if let problem = model.problem(with: spec) { throw .invalidSetting(problem) }
    }

    /// Throws unless a training step with these settings fits in the machine's memory; checked
    /// before the models are built. `imageFolder`: the images were made square from a folder's
    /// files, so a smaller `--image-size` is a remedy too, and the message names it.
    public static func checkMemory(config: TrainingConfig, model: any GANModel, imageShape: [Int],
                                   imageFolder: Bool = false) throws(TrainingError) {
        let spec = config.modelSpec(imageShape: imageShape)
        try check(spec, of: model)
        let size = imageFolder ? "--image-size \(imageShape.last ?? 1), " : ""
        try MemoryBudget.require(floats: ModelSize.trainingFloats(model.sizes(spec), batch: config.batchSize),
                                 for: "training with \(size)--batch-size \(config.batchSize) and --latent-dim \(config.latentDimension)",
                                 remedy: "use a smaller \(imageFolder ? "--image-size, " : "")--batch-size or --latent-dim")
    }

    /// Throws unless training on `files` image files made `side`×`side` fits in the machine's
    /// memory, checked before any file is decoded: at `--image-size 4096` decoding a folder takes
    /// minutes and gigabytes, only for the check after it to refuse the size.
    ///
    /// Counts what cannot be avoided, so that it refuses nothing the later checks would accept:
    /// batches no larger than the folder, the model's fewest channels unless `--channels`
    /// is given (the files' colours are not known yet), and the decoded squares kept as bytes
    /// (every file's, in the 3 planes `ImageFolder` keeps unless `--channels 1`).
    public static func checkMemory(config: TrainingConfig, model: any GANModel, imageFolderSide side: Int,
                                   files: Int) throws(TrainingError) {
        var modelChannels = 1
        if case .images(_, let accepted) = model.samples { modelChannels = accepted.min() ?? 1 }
        let spec = config.modelSpec(imageShape: [config.channels ?? modelChannels, side, side])
        // A shape the model cannot make is left to the check after decoding, which knows the channels.
        guard model.problem(with: spec) == nil else { return }
        let batch = max(1, min(config.batchSize, files, config.imageLimit ?? files))
        let decodedFloats = CheckedSize.product(files, config.channels ?? 3, side, side).map { ($0 + 3) / 4 }
        try MemoryBudget.require(floats: CheckedSize.sum(ModelSize.trainingFloats(model.sizes(spec), batch: batch), decodedFloats),
                                 for: "training on \(files) image file\(files == 1 ? "" : "s") at --image-size \(side) with "
                                     + "--batch-size \(config.batchSize) and --latent-dim \(config.latentDimension)",
                                 remedy: "use a smaller --image-size, --batch-size or --latent-dim")
    }

    /// The name of the first parameter or buffer holding a NaN or an infinity, if any.
    public var firstNonFiniteEntry: String? {
        for (prefix, module) in [("generator", generator as Module), ("critic", critic)] {
            if let name = Self.firstNonFiniteEntry(of: module) { return "\(prefix).\(name)" }
        }
        return nil
    }

    /// The name of `module`'s first parameter or buffer holding a NaN or an infinity, if any.
    static func firstNonFiniteEntry(of module: Module) -> String? {
        for (name, value) in module.stateDict {
            guard case .tensor(let tensor) = value else { continue }
            if tensor.storage.buffer.contains(where: { !$0.isFinite }) { return name }
        }
        return nil
    }
}
