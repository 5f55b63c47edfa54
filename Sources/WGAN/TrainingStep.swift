import WGANEngine
import WGANNN
import WGANOptim

/// What one critic update computed, for logs and tests.
public struct CriticStepResult {
    public let fake: Tensor
    public let criticReal: Tensor
    public let criticFake: Tensor
    public let inputGradient: Tensor
    public let penalty: Float
    public let loss: Float
}

/// The seed's training step: a critic update with the gradient penalty, then a generator
/// update, with the same losses as the paper's Algorithm 1:
///
///     L_D = −mean D(real) + mean D(fake) + λ·GP,    L_G = −mean D(G(z))
public final class WGANGPStep {
    public let generator: Module
    public let critic: Module
    public let generatorOptimizer: Optimizer
    public let criticOptimizer: Optimizer
    public let lambda: Float
    public let penalty: GradientPenalty

    public init(generator: Module, critic: Module, generatorOptimizer: Optimizer, criticOptimizer: Optimizer,
                lambda: Float = 10, penaltyNorm: PenaltyNorm = .sample) {
        self.generator = generator
        self.critic = critic
        self.generatorOptimizer = generatorOptimizer
        self.criticOptimizer = criticOptimizer
        self.lambda = lambda
        self.penalty = GradientPenalty(norm: penaltyNorm)
    }

    /// One critic update on a real batch, latent batch `z` and per-sample weights `alpha` [N, 1].
    /// The generator runs in its current mode (training mode updates its BatchNorm statistics,
    /// as the seed's `G(z).detach()` does).
    @discardableResult
    public func criticStep(real: Tensor, z: Tensor, alpha: Tensor) -> CriticStepResult {
        let fake = withoutGrad { generator(z) }
        let (gp, inputGradient) = penalty(critic: critic.callAsFunction,
                                          interpolates: GradientPenalty.interpolates(real: real, fake: fake, alpha: alpha))
        let criticReal = critic(real), criticFake = critic(fake)
        let loss = -criticReal.mean() + criticFake.mean() + gp * lambda
        criticOptimizer.zeroGrad()
        assignGradients(of: loss, to: criticOptimizer)
        criticOptimizer.step()
        return CriticStepResult(fake: fake, criticReal: criticReal.detached(), criticFake: criticFake.detached(),
                                inputGradient: inputGradient.detached(), penalty: gp.item, loss: loss.item)
    }

    /// One generator update on latent batch `z`; returns the generator loss.
    @discardableResult
    public func generatorStep(z: Tensor) -> Float {
        let loss = -critic(generator(z)).mean()
        generatorOptimizer.zeroGrad()
        // Only the generator's gradients: the critic's weight gradients would be thrown away.
        assignGradients(of: loss, to: generatorOptimizer)
        generatorOptimizer.step()
        return loss.item
    }

    private func assignGradients(of loss: Tensor, to optimizer: Optimizer) {
        let grads = gradients(of: loss, withRespectTo: optimizer.parameters)
        for (parameter, grad) in zip(optimizer.parameters, grads) { parameter.grad = grad }
    }
}
