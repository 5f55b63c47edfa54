import WGANEngine
import WGANNN
import WGANOptim

/// The two losses the paper compares WGAN-GP against, as the official `gan_64x64.py` and
/// `gan_cifar.py` define them (`MODE == 'dcgan'` and `'lsgan'`). The critic is a discriminator
/// whose output is a logit (`gan`) or a score regressed to 1 and 0 (`lsgan`); nothing keeps it
/// Lipschitz.
public enum DiscriminatorObjective: String, Sendable {
    /// Goodfellow et al.'s GAN with the non-saturating generator loss: the discriminator
    /// minimises the sigmoid cross-entropy of real → 1 and fake → 0, averaged and halved; the
    /// generator the cross-entropy of fake → 1.
    case crossEntropy = "gan"
    /// Mao et al.'s least-squares GAN: ((D(real) − 1)² + D(fake)²) / 2 and (D(fake) − 1)².
    case leastSquares = "lsgan"

    /// The discriminator's loss for its outputs on a real and a fake batch.
    public func discriminatorLoss(real: Tensor, fake: Tensor) -> Tensor {
        switch self {
        // softplus(−x) is the cross-entropy of logit x against 1, softplus(x) against 0.
        case .crossEntropy: ((-real).softplus().mean() + fake.softplus().mean()).scaled(by: 0.5)
        case .leastSquares: ((real - 1).square().mean() + fake.square().mean()).scaled(by: 0.5)
        }
    }

    /// The generator's loss for the discriminator's outputs on its samples.
    public func generatorLoss(fake: Tensor) -> Tensor {
        switch self {
        case .crossEntropy: (-fake).softplus().mean()
        case .leastSquares: (fake - 1).square().mean()
        }
    }
}

/// One update of a discriminator and one of a generator under a `DiscriminatorObjective`: the
/// paper's "DCGAN" and LSGAN baselines. Written as plainly as the WGAN steps, so that the four
/// methods differ only in their losses and optimisers.
public final class StandardGANStep: AdversarialStep {
    public let generator: Module
    public let critic: Module
    public let generatorOptimizer: Optimizer
    public let criticOptimizer: Optimizer
    public let objective: DiscriminatorObjective
    public var gradientReduction: (any GradientReduction)?

    public init(generator: Module, critic: Module, generatorOptimizer: Optimizer, criticOptimizer: Optimizer,
                objective: DiscriminatorObjective) {
        self.generator = generator
        self.critic = critic
        self.generatorOptimizer = generatorOptimizer
        self.criticOptimizer = criticOptimizer
        self.objective = objective
    }

    /// One discriminator update; `alpha` is not used (there is no penalty).
    @discardableResult
    public func criticStep(real: Tensor, z: Tensor, alpha: Tensor) -> CriticStepResult {
        unpenalisedCriticStep(real: real, z: z, loss: objective.discriminatorLoss)
    }

    @discardableResult
    public func generatorStep(z: Tensor) -> Float {
        gradientReduction.updateGenerator(loss: objective.generatorLoss(fake: critic(generator(z))), optimizer: generatorOptimizer)
    }
}
