import Dispatch
import WGANEngine
import WGANNN
import WGANOptim

/// What one critic update computed, for logs and tests.
public struct CriticStepResult {
    public let fake: Tensor
    public let criticReal: Tensor
    public let criticFake: Tensor
    /// ∂ΣD(x̂)/∂x̂ at the penalty's interpolates; nil for a loss without a penalty.
    public let inputGradient: Tensor?
    public let penalty: Float
    public let loss: Float
    /// Each critic parameter's gradient, in two parts (the Wasserstein estimate's and the
    /// penalty's), in the order of the critic optimizer's parameters.
    public let criticGradientParts: [[Tensor]]
    /// A conditional step's AC-GAN loss and accuracies; nil for an unconditional one.
    public var acgan: ACGANStatistics? = nil

    /// Each critic parameter's whole gradient (summed on demand; the step itself never needs it).
    public var criticGradients: [Tensor] {
        criticGradientParts.map { parts in withoutGrad { parts.dropFirst().reduce(parts[0], +) } }
    }
}

/// Why a critic cannot be trained with the gradient penalty.
public struct CriticRefusal: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Algorithm 1 of the paper: a critic update with the gradient penalty, and a generator update,
/// with the losses
///
///     L_D = mean D(fake) − mean D(real) + λ·GP,    L_G = −mean D(G(z))
///
/// `criticStep` is the fast path (real and fake scored as one batch, the critic's first product
/// reused for the interpolates where the critic allows, the two parts of the loss differentiated
/// side by side); `plainCriticStep` is the same update written plainly, one loss and one
/// gradient call: the generic path and the oracle the fast one is tested against.
public final class WGANGPStep: AdversarialStep {
    public let generator: Module
    public let critic: Module
    public let generatorOptimizer: Optimizer
    public let criticOptimizer: Optimizer
    public let lambda: Float
    public let penalty: GradientPenalty
    public let interpolation: InterpolationForm
    /// Sums gradients over data-parallel ranks before each update; nil for one process.
    public var gradientReduction: (any GradientReduction)?
    /// The generator's recorded forward pass from the last critic step. The seed's loop runs
    /// G(z) in the critic step and again, with the same z and unchanged parameters, in the
    /// generator step; the second result is the first to the bit, so it is reused.
    private var lastGeneration: (z: Tensor, output: Tensor, training: Bool)?
    /// Whether the penalty's part of the last critic step took longer than the estimate's.
    private var penaltyRanLonger = true

    /// - Throws: `CriticRefusal` for a critic with BatchNorm: the penalty is defined per sample,
    ///   and batch statistics make each sample's score depend on the others in its batch.
    public init(generator: Module, critic: Module, generatorOptimizer: Optimizer, criticOptimizer: Optimizer,
                lambda: Float = 10, penaltyNorm: PenaltyNorm = .sample, interpolation: InterpolationForm = .seed) throws(CriticRefusal) {
        if !critic.batchStatisticsLayers.isEmpty {
            throw CriticRefusal(description: "the critic has BatchNorm, which the gradient penalty cannot train: the penalty is "
                                + "defined per sample, and batch statistics make each sample's score depend on the rest of its batch")
        }
        self.interpolation = interpolation
        self.generator = generator
        self.critic = critic
        self.generatorOptimizer = generatorOptimizer
        self.criticOptimizer = criticOptimizer
        self.lambda = lambda
        self.penalty = GradientPenalty(norm: penaltyNorm)
    }

    /// One critic update on a real batch, latent batch `z` and per-sample weights `alpha` [N, 1]:
    /// the fast path for a `PerSampleCritic`, the plain step for any other critic.
    /// The generator runs in its current mode (training mode updates its BatchNorm statistics,
    /// as the seed's `G(z).detach()` does).
    @discardableResult
    public func criticStep(real: Tensor, z: Tensor, alpha: Tensor) -> CriticStepResult {
        guard critic is PerSampleCritic else { return plainCriticStep(real: real, z: z, alpha: alpha) }
        let (fake, interpolates) = fakeAndInterpolates(real: real, z: z, alpha: alpha)
        let n = real.shape[0]
        let parameters = criticOptimizer.parameters
        // Real and fake go through the critic as one batch: one larger product per layer (the
        // critic has no BatchNorm, so each row is still scored on its own).
        let batch = Tensor.concatenate([real, fake])
        let scoreBatch: () -> Tensor, scoreInterpolates: (Tensor) -> Tensor
        if let critic = critic as? LinearInputCritic {
            let product = critic.inputProduct(batch)
            let a = alpha.reshaped([n, 1])
            let (realProduct, fakeProduct) = (product.rows(0..<n), product.rows(n..<(2 * n)))
            let interpolatedProduct = withoutGrad {
                interpolation == .seed ? a * realProduct + (1 - a) * fakeProduct : realProduct + a * (fakeProduct - realProduct)
            }
            scoreBatch = { critic.forward(batch, inputProduct: product) }
            scoreInterpolates = { critic.forward($0, inputProduct: interpolatedProduct) }
        } else {
            scoreBatch = { self.critic(batch) }
            scoreInterpolates = critic.callAsFunction
        }
        // The loss has two independent parts, each differentiated to the critic's weights on
        // its own: the penalty (with its double backward) and the Wasserstein estimate.
        var gp = Tensor(scalar: 0), inputGradient = interpolates, penaltyGradients: [Tensor] = []
        var criticReal = real, criticFake = fake, estimate = Tensor(scalar: 0), estimateGradients: [Tensor] = []
        func estimatePart() {
            let scores = scoreBatch()
            criticReal = scores.rows(0..<n)
            criticFake = scores.rows(n..<(2 * n))
            estimate = gradientReduction.scaled(criticFake.mean() - criticReal.mean())
            estimateGradients = gradients(of: estimate, withRespectTo: parameters)
        }
        func penaltyPart() {
            (gp, inputGradient) = penalty(critic: scoreInterpolates, interpolates: interpolates)
            penaltyGradients = gradients(of: gradientReduction.scaled(gp * lambda), withRespectTo: parameters)
        }
        // The part that ran longer last time runs on the calling thread: only the caller's
        // parallel regions can take the other core back once the other part is done (the
        // penalty for the seed's MLPs, the estimate on the 2N batch for the MNIST model). Which
        // thread runs a part never changes its results: a region splits the same way on either.
        var estimateSeconds = 0.0, penaltySeconds = 0.0
        let timedEstimate = { estimateSeconds = Self.seconds(estimatePart) }, timedPenalty = { penaltySeconds = Self.seconds(penaltyPart) }
        if penaltyRanLonger { Parallel.branches(timedPenalty, timedEstimate) } else { Parallel.branches(timedEstimate, timedPenalty) }
        penaltyRanLonger = penaltySeconds > estimateSeconds
        // Each weight's gradient is the sum of the two parts; the optimizer adds them in its own
        // pass rather than materialising the sum.
        let (gradientParts, sums) = gradientReduction.reduce(zip(estimateGradients, penaltyGradients).map { [$0, $1] },
                                                             statistics: [estimate.item, gp.item * gradientReduction.share])
        criticOptimizer.zeroGrad()
        criticOptimizer.step(gradientParts: gradientParts)
        return CriticStepResult(fake: fake, criticReal: criticReal.detached(), criticFake: criticFake.detached(),
                                inputGradient: inputGradient.detached(), penalty: sums[1], loss: sums[0] + lambda * sums[1],
                                criticGradientParts: gradientParts)
    }

    /// How long `body` took, in seconds.
    private static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// G(z) as a constant (kept for the generator step, which may reuse it) and the interpolates
    /// between `real` and it.
    private func fakeAndInterpolates(real: Tensor, z: Tensor, alpha: Tensor) -> (fake: Tensor, interpolates: Tensor) {
        let generated = generator(z)
        lastGeneration = (z, generated, generator.isTraining)
        let fake = generated.detached()
        return (fake, GradientPenalty.interpolates(real: real, fake: fake, alpha: alpha, form: interpolation))
    }

    /// The same update as `criticStep`, written plainly: G(z), the interpolates, one loss
    /// mean D(fake) − mean D(real) + λ·GP and one gradient call for every critic parameter.
    /// Its gradients come back as one part each.
    @discardableResult
    public func plainCriticStep(real: Tensor, z: Tensor, alpha: Tensor) -> CriticStepResult {
        let (fake, interpolates) = fakeAndInterpolates(real: real, z: z, alpha: alpha)
        let (criticReal, criticFake) = (critic(real), critic(fake))
        let (gp, inputGradient) = penalty(critic: critic.callAsFunction, interpolates: interpolates)
        let loss = gradientReduction.scaled(criticFake.mean() - criticReal.mean() + gp * lambda)
        let grads = gradients(of: loss, withRespectTo: criticOptimizer.parameters)
        let (gradientParts, sums) = gradientReduction.reduce(grads.map { [$0] }, statistics: [loss.item, gp.item * gradientReduction.share])
        criticOptimizer.zeroGrad()
        criticOptimizer.step(gradientParts: gradientParts)
        return CriticStepResult(fake: fake, criticReal: criticReal.detached(), criticFake: criticFake.detached(),
                                inputGradient: inputGradient.detached(), penalty: sums[1], loss: sums[0],
                                criticGradientParts: gradientParts)
    }

    /// One generator update on latent batch `z`; returns the generator loss.
    @discardableResult
    public func generatorStep(z: Tensor) -> Float {
        gradientReduction.updateGenerator(loss: -critic(generation(for: z)).mean(), optimizer: generatorOptimizer)
    }

    /// G(z), reusing the critic step's forward pass when it was for the same z in the same mode,
    /// with BatchNorm's running statistics updated as a second pass would have.
    private func generation(for z: Tensor) -> Tensor {
        defer { lastGeneration = nil }
        guard let last = lastGeneration, last.z === z, last.training == generator.isTraining else { return generator(z) }
        for batchNorm in generator.batchStatisticsLayers where generator.isTraining {
            batchNorm.repeatLastStatisticsUpdate()
        }
        return last.output
    }
}
