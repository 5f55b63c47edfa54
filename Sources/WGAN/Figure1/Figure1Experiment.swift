import Foundation
import WGANData
import WGANEngine
import WGANModels
import WGANNN
import WGANOptim

/// The experiments behind the paper's Figure 1, on critics trained against the fixed generator
/// (real points plus N(0, 1) noise), so that each critic approaches the optimal one:
/// (a) value surfaces on the three toy sets, weight clipping beside the gradient penalty;
/// (b) for a deep critic on the Swiss roll, the norm of the critic loss's gradient with respect
///     to each layer's activations, clipping with several bounds against the penalty;
/// (c) the deep critics' weights, clipping against the penalty.
public struct Figure1Experiment {
    /// How the experiments run; the defaults finish in a few minutes on two cores.
    public struct Settings: Codable, Sendable {
        /// Critic steps for each value surface of (a).
        public var surfaceSteps = 500
        /// Critic steps for each deep critic of (b) and (c).
        public var deepSteps = 300
        public var batchSize = 256
        /// The surfaces' critics: the official toy critic's width (three ReLU layers).
        public var width = 512
        /// The deep critics: ReLU layers and their width.
        public var deepLayers = 12
        public var deepWidth = 256
        /// The clipping bounds of (b); (a) and (c) clip at the first of `surfaceClip`.
        public var deepClips: [Double] = [0.1, 0.01, 0.001]
        public var surfaceClip = 0.01
        /// The penalty's weight (the official gan_toy.py's 0.1) and Adam's settings there.
        public var lambda = 0.1
        public var seed: UInt64 = 0

        public init() {}

        enum CodingKeys: String, CodingKey {
            case surfaceSteps = "surface_steps", deepSteps = "deep_steps", batchSize = "batch_size", width
            case deepLayers = "deep_layers", deepWidth = "deep_width", deepClips = "deep_clips", surfaceClip = "surface_clip"
            case lambda, seed
        }
    }

    /// How a critic is kept Lipschitz in one experiment.
    public enum Constraint: Codable, Equatable, Sendable, CustomStringConvertible {
        case clipping(Double)
        case penalty(lambda: Double)

        public var description: String {
            switch self {
            case .clipping(let c): "weight clipping (c = \(c))"
            case .penalty: "gradient penalty"
            }
        }
    }

    /// (a): one critic's value over the plane with the points it was trained on.
    public struct Surface: Codable, Sendable {
        public let dataset: String
        public let constraint: Constraint
        /// `ToySnapshot.resolution`² values, row-major from y = −extent up.
        public let values: [Float]
        public let real: [Float]
        public let fake: [Float]
    }

    /// (b) and (c): one deep critic's gradient norm per layer and its weights.
    public struct DeepCritic: Codable, Sendable {
        public let constraint: Constraint
        /// ‖∂L/∂h_l‖ for each hidden layer l, from the first to the last.
        public let gradientNorms: [Double]
        public let weights: [Float]

        enum CodingKeys: String, CodingKey { case constraint, gradientNorms = "gradient_norms", weights }
    }

    public var settings: Settings

    public init(settings: Settings) { self.settings = settings }

    /// (a): clipping and the penalty on each toy set.
    public func surfaces(progress: (String) -> Void = { _ in }) -> [Surface] {
        ToyDataset.allCases.flatMap { dataset in
            [Constraint.clipping(settings.surfaceClip), .penalty(lambda: settings.lambda)].map { constraint in
                progress("(a) \(dataset), \(constraint): \(settings.surfaceSteps) critic steps")
                var rng = RandomGenerator(seed: settings.seed)
                let critic = ToyCritic(width: settings.width, using: &rng)
                let (real, fake) = train(critic, on: dataset, constraint: constraint, steps: settings.surfaceSteps, using: &rng)
                return Surface(dataset: dataset.rawValue, constraint: constraint, values: ToySnapshot.criticSurface(critic),
                               real: real.scalars, fake: fake.scalars)
            }
        }
    }

    /// (b) and (c): deep critics on the Swiss roll, each clipping bound and the penalty.
    public func deepCritics(progress: (String) -> Void = { _ in }) -> [DeepCritic] {
        let constraints = settings.deepClips.map(Constraint.clipping) + [.penalty(lambda: settings.lambda)]
        return constraints.map { constraint in
            progress("(b) swissroll, \(settings.deepLayers) layers, \(constraint): \(settings.deepSteps) critic steps")
            var rng = RandomGenerator(seed: settings.seed)
            let critic = ToyCritic(width: settings.deepWidth, hiddenLayers: settings.deepLayers, using: &rng)
            let (real, fake) = train(critic, on: .swissRoll, constraint: constraint, steps: settings.deepSteps, using: &rng)
            return DeepCritic(constraint: constraint, gradientNorms: Self.layerGradientNorms(critic, real: real, fake: fake),
                              weights: CriticDiagnostics.weights(of: critic).flatMap(\.values))
        }
    }

    /// Trains `critic` against the fixed generator, one critic step per iteration of Algorithm 1;
    /// returns the last batch's real and fake points.
    private func train(_ critic: ToyCritic, on dataset: ToyDataset, constraint: Constraint, steps: Int,
                       using rng: inout RandomGenerator) -> (real: Tensor, fake: Tensor) {
        let generator = FixedNoiseGenerator()
        let noGenerator = SGD(parameters: [], learningRate: 0)
        let step: AdversarialStep
        switch constraint {
        case .clipping(let c):
            // The original WGAN's optimizer and rate.
            step = WGANClippingStep(generator: generator, critic: critic, generatorOptimizer: noGenerator,
                                    criticOptimizer: TrainingLoss.clipping.optimizer(parameters: critic.parameters, learningRate: 5e-5,
                                                                                     betas: (0, 0)),
                                    clip: Float(c))
        case .penalty(let lambda):
            do {
                step = try WGANGPStep(generator: generator, critic: critic, generatorOptimizer: noGenerator,
                                      criticOptimizer: TrainingLoss.gradientPenalty.optimizer(parameters: critic.parameters,
                                                                                              learningRate: 1e-4, betas: (0.5, 0.9)),
                                      lambda: Float(lambda))
            } catch {
                preconditionFailure("the toy critic has no BatchNorm: \(error)")
            }
        }
        let iteration = TrainingIteration(step: step, criticSteps: 1, latentDimension: 2, fixedGenerator: true)
        var source = ToyBatches(dataset: dataset, size: settings.batchSize, noise: rng)
        var fake = Tensor.zeros([settings.batchSize, 2])
        for _ in 0..<steps { fake = iteration.run(&source)?.critic.fake ?? fake }
        rng = source.noise
        return (source.lastReal ?? Tensor.zeros([settings.batchSize, 2]), fake)
    }

    /// Batches of `dataset`'s points, drawn from the stream the noise comes from.
    private struct ToyBatches: IterationSource {
        let dataset: ToyDataset
        let size: Int
        var noise: RandomGenerator
        private(set) var lastReal: Tensor?

        init(dataset: ToyDataset, size: Int, noise: RandomGenerator) {
            (self.dataset, self.size, self.noise) = (dataset, size, noise)
        }

        mutating func nextRealBatch() -> RealBatch? {
            let real = Tensor(dataset.sample(size, using: &noise), shape: [size, 2])
            lastReal = real
            return RealBatch(real)
        }
    }

    /// ‖∂L/∂h_l‖ over the batch for each hidden activation h_l, where L = mean D(fake) − mean D(real).
    static func layerGradientNorms(_ critic: ToyCritic, real: Tensor, fake: Tensor) -> [Double] {
        let n = real.shape[0]
        let (output, activations) = critic.forwardKeepingActivations(Tensor.concatenate([real, fake]))
        let sign = Tensor([Float](repeating: -1 / Float(n), count: n) + [Float](repeating: 1 / Float(n), count: n), shape: [2 * n, 1])
        let loss = (output * sign).sum()
        return gradients(of: loss, withRespectTo: activations).map { gradient in
            gradient.scalars.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        }
    }
}
