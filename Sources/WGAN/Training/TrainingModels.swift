import WGANEngine
import WGANModels
import WGANNN
import WGANOptim

/// The seed's two models, their Adam optimizers and the WGAN-GP step over them, built from a
/// run's settings.
public final class TrainingModels {
    public let generator: SeedGenerator
    public let critic: SeedCritic
    public let generatorOptimizer: Adam
    public let criticOptimizer: Adam
    public let step: WGANGPStep

    /// Initialises the generator, then the critic, from `rng`.
    public init(config: TrainingConfig, imageShape: [Int], using rng: inout RandomGenerator) {
        generator = SeedGenerator(latentDimension: config.latentDimension, imageShape: imageShape, using: &rng)
        critic = SeedCritic(inputSize: imageShape.reduce(1, *), using: &rng)
        let betas = (Float(config.beta1), Float(config.beta2))
        generatorOptimizer = Adam(parameters: generator.parameters, learningRate: Float(config.generatorLearningRate), betas: betas)
        criticOptimizer = Adam(parameters: critic.parameters, learningRate: Float(config.criticLearningRate), betas: betas)
        step = WGANGPStep(generator: generator, critic: critic, generatorOptimizer: generatorOptimizer,
                          criticOptimizer: criticOptimizer, lambda: Float(config.lambda), penaltyNorm: config.penalty)
    }

    /// Throws unless a training step with these settings fits in the machine's memory; checked
    /// before the models are built.
    public static func checkMemory(config: TrainingConfig, imageShape: [Int]) throws(TrainingError) {
        let pixels = CheckedSize.product(imageShape[0], imageShape[1], imageShape[2]) ?? Int.max
        let models = [SeedGenerator.size(latentDimension: config.latentDimension, pixels: pixels), SeedCritic.size(pixels: pixels)]
        try MemoryBudget.require(floats: ModelSize.trainingFloats(models, batch: config.batchSize),
                                 for: "training with --batch-size \(config.batchSize) and --latent-dim \(config.latentDimension)",
                                 remedy: "use a smaller --batch-size or --latent-dim")
    }

    /// The name of the first parameter or buffer holding a NaN or an infinity, if any.
    public var firstNonFiniteEntry: String? {
        for (prefix, module) in [("generator", generator as Module), ("critic", critic)] {
            for (name, value) in module.stateDict {
                guard case .tensor(let tensor) = value else { continue }
                if tensor.storage.buffer.contains(where: { !$0.isFinite }) { return "\(prefix).\(name)" }
            }
        }
        return nil
    }
}
