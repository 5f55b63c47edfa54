import WGANEngine
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
