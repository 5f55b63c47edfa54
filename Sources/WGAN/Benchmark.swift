import Dispatch
import WGANEngine
import WGANModels

/// Times training iterations (`--n-critic` critic steps with the penalty, then a generator step)
/// of a model pair on data held in memory, and relates them to the time the iteration's matrix
/// products alone take. The models, optimizers and step are built exactly as a training run
/// builds them from the model's preset (`TrainingPreset.forModel`), and the iteration is the one
/// training runs (`TrainingIteration`).
public struct TrainingBenchmark {
    public struct Result: Sendable {
        public let model: String
        public let batch: Int
        /// Latent vectors per generator step, when not `batch` (the ResNet's preset: 128).
        public var generatorBatch: Int?
        public let criticSteps: Int
        /// Classes of a conditional (AC-WGAN-GP) benchmark; nil for an unconditional one.
        public var classes: Int?
        public let threads: Int
        public let iterations: Int
        public let msPerIteration: Double
        public let gflopPerIteration: Double
        /// The iteration's products timed on their own, back to back: the floor of its time.
        public let floorMs: Double
        public let blasCore: String
        public var iterationsPerSecond: Double { 1000 / msPerIteration }
        public var achievedGflops: Double { gflopPerIteration / (msPerIteration / 1000) }
        public var sgemmGflops: Double { gflopPerIteration / (floorMs / 1000) }
        public var ratioToFloor: Double { msPerIteration / floorMs }
    }

    public var model: any GANModel
    /// Images per batch; nil: the model's preset's.
    public var batch: Int?
    /// The models' width; nil: the model's own.
    public var width: Int?
    /// Timed and untimed iterations; nil: the model's `benchmarkIterations`.
    public var iterations: Int?
    public var warmup: Int?
    public var threads = 2
    public var seed: UInt64 = 0
    /// Times the model's conditional variant (AC-WGAN-GP) with this many classes instead.
    public var classes: Int?

    public init(model: any GANModel) { self.model = model }

    /// The settings a training run of this model starts from.
    public var config: TrainingConfig {
        var config = TrainingPreset.forModel(model).config
        if let batch { config.batchSize = batch }
        config.width = width ?? model.defaultWidth
        config.threads = threads
        config.seed = seed
        config.conditional = classes != nil
        return config
    }

    public func run() throws -> Result {
        let config = config
        try config.validate()
        let imageShape = model.defaultImageShape
        let (iterations, warmup) = (self.iterations ?? model.benchmarkIterations.timed, self.warmup ?? model.benchmarkIterations.warmup)
        try MemoryBudget.require(floats: ModelSize.trainingFloats(model.sizes(config.modelSpec(imageShape: imageShape)), batch: config.batchSize),
                                 for: "a benchmark with --batch-size \(config.batchSize)", remedy: "use a smaller --batch-size")
        try BLAS.load()
        Parallel.threads = threads
        var rng = RandomGenerator(seed: seed)
        if let classes, classes < 2 { throw TrainingError.invalidSetting("a conditional benchmark needs at least 2 classes, got \(classes)") }
        let classNames = classes.map { count in (0..<count).map { "class \($0)" } }
        let models = try TrainingModels(config: config, model: model, imageShape: imageShape, classNames: classNames, using: &rng)
        // Synthetic images with every class in turn: the step's cost does not depend on the pixels.
        let real = Tensor.uniform([config.batchSize] + imageShape, low: 0, high: 1, using: &rng)
        var source = FixedBatch(batch: RealBatch(real, labels: classes.map { count in (0..<config.batchSize).map { $0 % count } }), noise: rng)
        let iteration = TrainingIteration(step: models.step, criticSteps: config.criticSteps, latentDimension: config.latentDimension,
                                          generatorBatchSize: config.generatorBatchSize)
        func oneIteration() { _ = iteration.run(&source) }
        for _ in 0..<warmup { oneIteration() }
        let products = BLAS.recordingProducts { oneIteration() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { oneIteration() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let floor = BLAS.timeProducts(products, repetitions: max(3, min(iterations / 4, 50)))
        let generatorBatch = config.generatorBatchSize.flatMap { $0 == config.batchSize ? nil : $0 }
        return Result(model: model.name, batch: config.batchSize, generatorBatch: generatorBatch, criticSteps: config.criticSteps,
                      classes: classes, threads: threads, iterations: iterations,
                      msPerIteration: seconds * 1000 / Double(iterations),
                      gflopPerIteration: products.reduce(0) { $0 + $1.flops } / 1e9, floorMs: floor * 1000,
                      blasCore: BLAS.coreName)
    }

    /// The same real batch for every critic step.
    private struct FixedBatch: IterationSource {
        let batch: RealBatch
        var noise: RandomGenerator
        func nextRealBatch() -> RealBatch? { batch }
    }
}
