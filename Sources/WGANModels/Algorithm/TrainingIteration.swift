import WGANEngine
import WGANNN

/// This process's rows of one real batch: all of them for one process, a consecutive slice for a
/// rank of a data-parallel run, which still draws the whole batch's z and α to keep its random
/// stream the one a single process draws.
public struct RealBatch {
    /// The rows this process trains on.
    public let samples: Tensor
    /// Rows in the whole batch.
    public let count: Int
    /// Where `samples` lie in the whole batch.
    public let rows: Range<Int>
    /// The classes of `samples`' rows, for a conditional run; nil otherwise.
    public let labels: [Int]?

    public init(samples: Tensor, count: Int, rows: Range<Int>, labels: [Int]? = nil) {
        self.samples = samples
        self.count = count
        self.rows = rows
        self.labels = labels
    }

    /// A batch a single process trains on whole.
    public init(_ samples: Tensor, labels: [Int]? = nil) {
        self.init(samples: samples, count: samples.shape[0], rows: 0..<samples.shape[0], labels: labels)
    }
}

/// What one iteration draws from: the real batches, and the stream its z and α come from.
public protocol IterationSource {
    /// The iteration's next real batch, or nil when the epoch has none left.
    mutating func nextRealBatch() -> RealBatch?
    /// The random stream of the latent batches and the interpolation weights.
    var noise: RandomGenerator { get set }
    /// This process's rows of a generator batch of `count` latent vectors (all of them for one
    /// process), when the generator's batch is not the critic's.
    func generatorRows(ofBatch count: Int) -> Range<Int>
}

extension IterationSource {
    public func generatorRows(ofBatch count: Int) -> Range<Int> { 0..<count }
}

/// Algorithm 1 of Gulrajani et al., one iteration: `criticSteps` critic updates, each on its own
/// real batch, latent batch z and interpolation weights α, then one generator update. The
/// trainer, the benchmark and Figure 1's critics all run it, so the algorithm is written once.
public struct TrainingIteration {
    public let step: AdversarialStep
    /// The paper's n_critic.
    public let criticSteps: Int
    public let latentDimension: Int
    /// The generator is fixed (the toy runs' real points plus N(0, 1) noise): only the critic
    /// trains, and the generator's loss is scored on the last critic step's fakes.
    public let fixedGenerator: Bool
    /// Latent vectors per generator step when not the critic's batch size (the official ResNet
    /// code's 2 × 64); nil: the last critic batch's size.
    public let generatorBatchSize: Int?

    public init(step: AdversarialStep, criticSteps: Int, latentDimension: Int, fixedGenerator: Bool = false,
                generatorBatchSize: Int? = nil) {
        self.step = step
        self.criticSteps = criticSteps
        self.latentDimension = latentDimension
        self.fixedGenerator = fixedGenerator
        self.generatorBatchSize = generatorBatchSize
    }

    /// What an iteration computed.
    public struct Result {
        /// The last critic step's.
        public let critic: CriticStepResult
        public let generatorLoss: Float
        /// G(z) of the generator step, when asked for.
        public let generatedImages: Tensor?
    }

    /// Runs one iteration on batches from `source` (fewer critic steps when the epoch runs out
    /// first). `afterCriticStep` sees each critic step's result before the next step is taken
    /// and may stop the iteration by throwing; `keepingGeneratedImages` returns G(z) of the
    /// generator step as it was before that step, leaving BatchNorm's statistics as they were.
    ///
    /// - Returns: nil when `source` had no batch at all.
    public func run<Source: IterationSource, Failure: Error>(
        _ source: inout Source, keepingGeneratedImages: Bool = false,
        afterCriticStep: (CriticStepResult) throws(Failure) -> Void
    ) throws(Failure) -> Result? {
        var last: (critic: CriticStepResult, z: Tensor, batch: RealBatch)?
        for _ in 0..<criticSteps {
            guard let batch = source.nextRealBatch() else { break }
            let real = batch.samples
            let z = fixedGenerator ? withoutGrad { real + Tensor.randn(real.shape, using: &source.noise) }
                : latentBatch(for: batch, using: &source.noise)
            let alpha = Tensor.uniform([batch.count, 1], using: &source.noise).keeping(rows: batch.rows)
            let critic = step.criticStep(real: real, labels: batch.labels, z: z, alpha: alpha)
            try afterCriticStep(critic)
            last = (critic, z, batch)
        }
        guard let (critic, criticZ, batch) = last else { return nil }

        // One critic step per generator step is the seed's: the generator reuses the critic's z.
        // A generator batch of its own size gets fresh z of that size.
        let z: Tensor, reused: Bool, whole: (count: Int, rows: Range<Int>)
        if let size = generatorBatchSize, size != batch.count {
            let rows = source.generatorRows(ofBatch: size)
            (z, reused, whole) = (Tensor.randn([size, latentDimension], using: &source.noise).keeping(rows: rows), false, (size, rows))
        } else {
            (z, reused) = criticSteps == 1 ? (criticZ, true) : (latentBatch(for: batch, using: &source.noise), false)
            whole = (batch.count, batch.rows)
        }
        // A conditional generator step draws its classes uniformly, for the whole batch as one process would.
        let labels = step.classes == 0 ? nil
            : Array((0..<whole.count).map { _ in source.noise.integer(below: step.classes) }[whole.rows])
        var generated: Tensor?
        if keepingGeneratedImages {
            // With the critic's z (and no classes), its fakes are exactly G(z); otherwise run G once more.
            generated = reused && labels == nil ? critic.fake : step.generator.preservingBuffers {
                withoutGrad { (step.generator as? any ImageGenerator)?.generate(z, labels: labels) ?? step.generator(z) }
            }
        }
        let generatorLoss = fixedGenerator ? withoutGrad { -critic.criticFake.mean().item } : step.generatorStep(z: z, labels: labels)
        return Result(critic: critic, generatorLoss: generatorLoss, generatedImages: generated)
    }

    /// One iteration with nothing to see between its critic steps.
    public func run<Source: IterationSource>(_ source: inout Source, keepingGeneratedImages: Bool = false) -> Result? {
        run(&source, keepingGeneratedImages: keepingGeneratedImages) { (_: CriticStepResult) throws(Never) in }
    }

    /// z for the whole of `batch`, of which this process keeps its rows.
    private func latentBatch(for batch: RealBatch, using noise: inout RandomGenerator) -> Tensor {
        Tensor.randn([batch.count, latentDimension], using: &noise).keeping(rows: batch.rows)
    }
}

extension Tensor {
    /// The rows `rows` of this tensor, itself when they are all of them.
    public func keeping(rows: Range<Int>) -> Tensor { rows == 0..<shape[0] ? self : self.rows(rows) }
}
