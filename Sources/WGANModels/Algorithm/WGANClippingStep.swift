import WGANEngine
import WGANNN
import WGANOptim

/// One training iteration's two updates, whichever loss trains the critic: what the trainer and
/// the benchmark call.
public protocol AdversarialStep: AnyObject {
    var generator: Module { get }
    var critic: Module { get }
    var generatorOptimizer: Optimizer { get }
    var criticOptimizer: Optimizer { get }
    /// Sums gradients over data-parallel ranks before each update; nil for one process.
    var gradientReduction: (any GradientReduction)? { get set }
    /// One critic update on a real batch, latent batch `z` and per-sample weights `alpha` [N, 1]
    /// (for the penalty's interpolates; a loss without them ignores it).
    @discardableResult func criticStep(real: Tensor, z: Tensor, alpha: Tensor) -> CriticStepResult
    /// One generator update on latent batch `z`; returns the generator loss.
    @discardableResult func generatorStep(z: Tensor) -> Float
    /// Classes of a conditional step (AC-WGAN-GP), 0 for an unconditional one.
    var classes: Int { get }
    /// A critic update whose real rows (and fakes) have the classes `labels` (nil: unconditional).
    @discardableResult func criticStep(real: Tensor, labels: [Int]?, z: Tensor, alpha: Tensor) -> CriticStepResult
    /// A generator update on `z` with the classes `labels` (nil: unconditional).
    @discardableResult func generatorStep(z: Tensor, labels: [Int]?) -> Float
}

extension AdversarialStep {
    public var classes: Int { 0 }
    public func criticStep(real: Tensor, labels: [Int]?, z: Tensor, alpha: Tensor) -> CriticStepResult {
        criticStep(real: real, z: z, alpha: alpha)
    }
    public func generatorStep(z: Tensor, labels: [Int]?) -> Float { generatorStep(z: z) }

    /// A critic update without a penalty (clipping, the GAN, the LSGAN): the critic scores a real
    /// batch and G(z) (not recorded), and its optimiser takes a step on `loss(scores of real,
    /// scores of fake)`.
    func unpenalisedCriticStep(real: Tensor, z: Tensor, loss: (_ real: Tensor, _ fake: Tensor) -> Tensor) -> CriticStepResult {
        let fake = withoutGrad { generator(z) }
        let (criticReal, criticFake) = (critic(real), critic(fake))
        let value = gradientReduction.scaled(loss(criticReal, criticFake))
        let grads = gradients(of: value, withRespectTo: criticOptimizer.parameters)
        let (gradientParts, sums) = gradientReduction.reduce(grads.map { [$0] }, statistics: [value.item])
        criticOptimizer.zeroGrad()
        criticOptimizer.step(gradientParts: gradientParts)
        return CriticStepResult(fake: fake, criticReal: criticReal.detached(), criticFake: criticFake.detached(),
                                inputGradient: nil, penalty: 0, loss: sums[0], criticGradientParts: gradientParts)
    }
}

/// The original WGAN (Arjovsky et al.): the critic loss mean D(fake) − mean D(real) with no
/// penalty, and every critic parameter clamped to [−c, c] after each critic update, so that the
/// critic stays Lipschitz. The paper's baseline: clipping piles the critic's weights at ±c, which
/// the gradient penalty was made to avoid.
public final class WGANClippingStep: AdversarialStep {
    public let generator: Module
    public let critic: Module
    public let generatorOptimizer: Optimizer
    public let criticOptimizer: Optimizer
    /// The clipping bound c.
    public let clip: Float
    public var gradientReduction: (any GradientReduction)?

    public init(generator: Module, critic: Module, generatorOptimizer: Optimizer, criticOptimizer: Optimizer, clip: Float = 0.01) {
        self.generator = generator
        self.critic = critic
        self.generatorOptimizer = generatorOptimizer
        self.criticOptimizer = criticOptimizer
        self.clip = clip
    }

    @discardableResult
    public func criticStep(real: Tensor, z: Tensor, alpha: Tensor) -> CriticStepResult {
        let result = unpenalisedCriticStep(real: real, z: z) { real, fake in fake.mean() - real.mean() }
        for parameter in criticOptimizer.parameters { Self.clamp(parameter, to: clip) }
        return result
    }

    @discardableResult
    public func generatorStep(z: Tensor) -> Float {
        gradientReduction.updateGenerator(loss: -critic(generator(z)).mean(), optimizer: generatorOptimizer)
    }

    /// Clamps `parameter` in place to [−c, c] (PyTorch's `p.data.clamp_(-c, c)`).
    static func clamp(_ parameter: Tensor, to c: Float) {
        let values = parameter.storage.buffer
        for index in values.indices { values[index] = min(max(values[index], -c), c) }
    }
}
