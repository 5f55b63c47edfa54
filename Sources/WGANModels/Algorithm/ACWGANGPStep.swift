import WGANEngine
import WGANNN
import WGANOptim

/// PyTorch's `F.cross_entropy(logits, labels)`: the mean over rows of log Σ exp(logits) −
/// logits[label], with each row's maximum taken out first (a constant shift, which changes
/// neither the value nor the gradient).
public func crossEntropy(logits: Tensor, labels: [Int]) -> Tensor {
    precondition(logits.rank == 2 && logits.shape[0] == labels.count && labels.allSatisfy { $0 >= 0 && $0 < logits.shape[1] },
                 "crossEntropy: logits \(logits.shape) do not fit \(labels.count) labels")
    let (n, classes) = (logits.shape[0], logits.shape[1])
    let values = logits.scalars
    let maxima = Tensor((0..<n).map { values[($0 * classes)..<(($0 + 1) * classes)].max()! }, shape: [n, 1])
    var oneHot = [Float](repeating: 0, count: n * classes)
    for (row, label) in labels.enumerated() { oneHot[row * classes + label] = 1 }
    let shifted = logits - maxima
    let logSumExp = shifted.exp().sum(axes: [1]).log()
    let picked = (shifted * Tensor(oneHot, shape: [n, classes])).sum(axes: [1])
    return (logSumExp - picked).mean()
}

/// What a conditional critic update computed: the WGAN-GP step's values and the AC-GAN part.
public struct ACGANCriticStepResult {
    public let critic: CriticStepResult
    /// Cross-entropy of the real rows' AC-GAN logits against their labels (in the loss at scale 1).
    public let acganLoss: Float
    public let realLogits: Tensor
    /// The fakes' AC-GAN logits (not in the critic's loss; for the accuracy on fakes).
    public let fakeLogits: Tensor
}

/// A conditional critic step's AC-GAN part: the cross-entropy on the real rows, and the share
/// of real and of fake rows whose largest logit is their class.
public struct ACGANStatistics: Sendable {
    public let loss: Float
    public let realAccuracy: Float
    public let fakeAccuracy: Float

    /// The share of rows of `logits` [N, classes] whose largest entry is at their label.
    public static func accuracy(logits: Tensor, labels: [Int]) -> Float {
        let classes = logits.shape[1], values = logits.scalars
        var right = 0
        for (row, label) in labels.enumerated() {
            let scores = values[(row * classes)..<((row + 1) * classes)]
            if scores.indices.max(by: { scores[$0] < scores[$1] }).map({ $0 - row * classes }) == label { right += 1 }
        }
        return Float(right) / Float(max(1, labels.count))
    }
}

/// The AC-WGAN-GP of the paper's conditional CIFAR-10 model (gan_cifar_resnet.py with
/// CONDITIONAL and ACGAN): a critic with two heads, a generator that takes each sample's class.
///
///     L_D = mean D(fake) − mean D(real) + λ·GP + CE(logits(real), y)
///     L_G = −mean D(G(z, y′)) + 0.1·CE(logits(G(z, y′)), y′)
///
/// The penalty sees the Wasserstein head only; fakes for a critic step take the real batch's
/// labels. Each step is written plainly: one loss, one gradient call.
public final class ACWGANGPStep {
    public let generator: CIFARResNetGenerator
    public let critic: CIFARResNetCritic
    public let generatorOptimizer: Optimizer
    public let criticOptimizer: Optimizer
    public let lambda: Float
    /// The AC-GAN losses' weights in the critic's and the generator's loss (the official 1 and 0.1).
    public let criticACGANScale: Float, generatorACGANScale: Float
    public let penalty = GradientPenalty(norm: .sample)
    public var gradientReduction: (any GradientReduction)?

    public init(generator: CIFARResNetGenerator, critic: CIFARResNetCritic, generatorOptimizer: Optimizer, criticOptimizer: Optimizer,
                lambda: Float = 10, criticACGANScale: Float = 1, generatorACGANScale: Float = 0.1) {
        precondition(generator.classes > 0 && critic.acgan != nil, "the AC-WGAN-GP step needs a conditional generator and critic")
        self.generator = generator
        self.critic = critic
        self.generatorOptimizer = generatorOptimizer
        self.criticOptimizer = criticOptimizer
        self.lambda = lambda
        self.criticACGANScale = criticACGANScale
        self.generatorACGANScale = generatorACGANScale
    }

    /// One critic update on a real batch with its labels, latent batch `z` (its fakes take the
    /// same labels) and interpolation weights `alpha` [N, 1].
    @discardableResult
    public func criticStep(real: Tensor, labels: [Int], z: Tensor, alpha: Tensor) -> ACGANCriticStepResult {
        let n = real.shape[0]
        // No generator step reuses these fakes (as the plain step's may), so no graph is recorded.
        let fake = withoutGrad { generator(z, labels: labels) }
        let (scores, logits) = critic.heads(Tensor.concatenate([real, fake]))
        let (criticReal, criticFake) = (scores.rows(0..<n), scores.rows(n..<(2 * n)))
        let realLogits = logits!.rows(0..<n)
        let interpolates = GradientPenalty.interpolates(real: real, fake: fake, alpha: alpha, form: .official)
        let (gp, inputGradient) = penalty(critic: critic.callAsFunction, interpolates: interpolates)
        let acgan = crossEntropy(logits: realLogits, labels: labels)
        let loss = gradientReduction.scaled(criticFake.mean() - criticReal.mean() + gp * lambda + acgan * criticACGANScale)
        let grads = gradients(of: loss, withRespectTo: criticOptimizer.parameters)
        let share = gradientReduction.share
        let (gradientParts, sums) = gradientReduction.reduce(grads.map { [$0] },
                                                             statistics: [loss.item, gp.item * share, acgan.item * share])
        criticOptimizer.zeroGrad()
        criticOptimizer.step(gradientParts: gradientParts)
        let result = CriticStepResult(fake: fake, criticReal: criticReal.detached(), criticFake: criticFake.detached(),
                                      inputGradient: inputGradient.detached(), penalty: sums[1], loss: sums[0],
                                      criticGradientParts: gradientParts)
        return ACGANCriticStepResult(critic: result, acganLoss: sums[2], realLogits: realLogits.detached(),
                                     fakeLogits: logits!.rows(n..<(2 * n)).detached())
    }

    /// One generator update on latent batch `z` with the classes `labels`; returns the whole loss
    /// and its AC-GAN part.
    @discardableResult
    public func generatorStep(z: Tensor, labels: [Int]) -> (loss: Float, acganLoss: Float) {
        let (scores, logits) = critic.heads(generator(z, labels: labels))
        let acgan = crossEntropy(logits: logits!, labels: labels)
        let loss = gradientReduction.updateGenerator(loss: -scores.mean() + acgan * generatorACGANScale, optimizer: generatorOptimizer)
        return (loss, acgan.item)
    }
}

/// The AC-WGAN-GP step as an `AdversarialStep`, so that Algorithm 1 (`TrainingIteration`) drives
/// it as it drives the others: real batches carry their labels, and each critic result its
/// AC-GAN loss and accuracies.
public final class ConditionalAdversarialStep: AdversarialStep {
    public let step: ACWGANGPStep
    public var generator: Module { step.generator }
    public var critic: Module { step.critic }
    public var generatorOptimizer: Optimizer { step.generatorOptimizer }
    public var criticOptimizer: Optimizer { step.criticOptimizer }
    public var gradientReduction: (any GradientReduction)? {
        get { step.gradientReduction }
        set { step.gradientReduction = newValue }
    }
    public var classes: Int { step.generator.classes }

    public init(_ step: ACWGANGPStep) { self.step = step }

    public func criticStep(real: Tensor, z: Tensor, alpha: Tensor) -> CriticStepResult {
        preconditionFailure("a conditional critic step needs the real batch's labels")
    }

    public func generatorStep(z: Tensor) -> Float {
        preconditionFailure("a conditional generator step needs the samples' labels")
    }

    public func criticStep(real: Tensor, labels: [Int]?, z: Tensor, alpha: Tensor) -> CriticStepResult {
        guard let labels else { preconditionFailure("a conditional critic step needs the real batch's labels") }
        let result = step.criticStep(real: real, labels: labels, z: z, alpha: alpha)
        var critic = result.critic
        critic.acgan = ACGANStatistics(loss: result.acganLoss,
                                       realAccuracy: ACGANStatistics.accuracy(logits: result.realLogits, labels: labels),
                                       fakeAccuracy: ACGANStatistics.accuracy(logits: result.fakeLogits, labels: labels))
        return critic
    }

    public func generatorStep(z: Tensor, labels: [Int]?) -> Float {
        guard let labels else { preconditionFailure("a conditional generator step needs the samples' labels") }
        return step.generatorStep(z: z, labels: labels).loss
    }
}
