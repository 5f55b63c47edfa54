import WGANEngine
import WGANModels

/// Where a run stands: everything besides the models and optimizers that a resumed run needs to
/// continue exactly as an uninterrupted one would.
public struct TrainingProgress: Equatable, Sendable {
    /// The epoch in progress, counted from 0 (equal to the epoch count once the run is done).
    public var epoch = 0
    /// Generator steps done since the run began.
    public var step = 0
    /// Batches of this epoch already trained on.
    public var batchPosition = 0
    /// This epoch's order of the images; empty until the epoch begins.
    public var permutation: [Int] = []
    /// Draws each epoch's permutation.
    public var dataRandom: RandomGenerator
    /// Draws every latent batch and interpolation weight.
    public var noiseRandom: RandomGenerator
    /// The sums behind this epoch's means, so far.
    public var totals = EpochTotals()
    /// Time spent in training steps since the run began, over every session (evaluations,
    /// pictures and checkpoints excluded): the paper's Figure 3 plots scores against it.
    public var trainingSeconds = 0.0

    public init(dataRandom: RandomGenerator, noiseRandom: RandomGenerator) {
        self.dataRandom = dataRandom
        self.noiseRandom = noiseRandom
    }

    /// The generators of a new run with `seed`: distinct streams, so that, for example, the
    /// shuffles do not depend on how many latent vectors a step draws.
    public init(seed: UInt64) {
        self.init(dataRandom: RandomGenerator(seed: seed ^ 0x6461_7461_5f73_6875),  // "data_shu"
                  noiseRandom: RandomGenerator(seed: seed ^ 0x6e6f_6973_655f_7a61))  // "noise_za"
    }

    /// Moves on to the next epoch once the current one is done.
    mutating func beginNextEpoch() {
        epoch += 1
        batchPosition = 0
        permutation = []
        totals = EpochTotals()
    }
}

/// Running sums over one epoch, for its mean losses.
public struct EpochTotals: Equatable, Sendable {
    public var criticLoss = 0.0
    public var generatorLoss = 0.0
    public var penalty = 0.0
    public var criticSteps = 0
    public var generatorSteps = 0
    /// Training time spent in this epoch, over every session that worked on it.
    public var seconds = 0.0
    /// A conditional run's AC-GAN cross-entropy on the real rows, and the critic's accuracy on
    /// real and fake rows, summed over critic steps.
    public var acganLoss = 0.0
    public var acganRealAccuracy = 0.0
    public var acganFakeAccuracy = 0.0

    public init() {}

    mutating func add(_ acgan: ACGANStatistics) {
        acganLoss += Double(acgan.loss)
        acganRealAccuracy += Double(acgan.realAccuracy)
        acganFakeAccuracy += Double(acgan.fakeAccuracy)
    }

    public var meanACGANLoss: Double { acganLoss / Double(max(1, criticSteps)) }
    public var meanACGANRealAccuracy: Double { acganRealAccuracy / Double(max(1, criticSteps)) }
    public var meanACGANFakeAccuracy: Double { acganFakeAccuracy / Double(max(1, criticSteps)) }

    public var meanCriticLoss: Double { criticLoss / Double(max(1, criticSteps)) }
    public var meanGeneratorLoss: Double { generatorLoss / Double(max(1, generatorSteps)) }
    public var meanPenalty: Double { penalty / Double(max(1, criticSteps)) }
}
