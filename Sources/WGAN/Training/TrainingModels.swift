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

    /// Initialises the generator, then the critic, from `rng`.
    ///
    /// - Throws: `TrainingError.invalidSetting` when the model cannot take this data or cannot be
    ///   trained with the penalty.
    public init(config: TrainingConfig, model: any GANModel, imageShape: [Int], using rng: inout RandomGenerator) throws(TrainingError) {
        self.model = model
        spec = config.modelSpec(imageShape: imageShape)
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
    /// before the models are built.
    public static func checkMemory(config: TrainingConfig, model: any GANModel, imageShape: [Int]) throws(TrainingError) {
        let spec = config.modelSpec(imageShape: imageShape)
        try check(spec, of: model)
        try MemoryBudget.require(floats: ModelSize.trainingFloats(model.sizes(spec), batch: config.batchSize),
                                 for: "training with --batch-size \(config.batchSize) and --latent-dim \(config.latentDimension)",
                                 remedy: "use a smaller --batch-size or --latent-dim")
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
