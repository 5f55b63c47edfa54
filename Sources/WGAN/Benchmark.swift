import Dispatch
import WGANEngine
import WGANModels

/// Times training iterations (`--n-critic` critic steps with the penalty, then a generator step)
/// of a model pair on data held in memory, and relates them to the time the iteration's matrix
/// products alone take. The models, optimizers and step are built exactly as a training run
/// builds them from the model's preset (`TrainingPreset.forModel`).
public struct TrainingBenchmark {
    public struct Result: Sendable {
        public let model: ModelArchitecture
        public let batch: Int
        public let criticSteps: Int
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

    public var model = ModelArchitecture.seed
    /// Images per batch; nil: the model's preset's (50 for mnist-dcgan, 256 for toy, otherwise 64).
    public var batch: Int?
    /// The models' width; nil: the model's own (128 for cifar-dcgan, 512 for toy, else 64).
    public var width: Int?
    public var iterations = 200
    public var warmup = 20
    public var threads = 2
    public var seed: UInt64 = 0

    public init() {}

    /// The settings a training run of this model starts from.
    public var config: TrainingConfig {
        var config = TrainingPreset.forModel(model).config
        config.model = model.rawValue
        config.latentDimension = model.defaultLatentDimension
        if let batch { config.batchSize = batch }
        config.width = width ?? model.defaultWidth
        config.threads = threads
        config.seed = seed
        return config
    }

    public func run() throws -> Result {
        let config = config
        let imageShape = model.defaultImageShape
        try MemoryBudget.require(floats: ModelSize.trainingFloats(config.modelSpec(imageShape: imageShape).sizes, batch: config.batchSize),
                                 for: "a benchmark with --batch-size \(config.batchSize)", remedy: "use a smaller --batch-size")
        try BLAS.load()
        Parallel.threads = threads
        var rng = RandomGenerator(seed: seed)
        let models = try TrainingModels(config: config, imageShape: imageShape, using: &rng)
        let n = config.batchSize
        // Synthetic images: the step's cost does not depend on the pixels.
        let real = Tensor.uniform([n] + imageShape, low: 0, high: 1, using: &rng)
        func oneIteration() {
            var z: Tensor!
            for _ in 0..<config.criticSteps {
                z = Tensor.randn([n, config.latentDimension], using: &rng)
                models.step.criticStep(real: real, z: z, alpha: Tensor.uniform([n, 1], using: &rng))
            }
            // As in training: one critic step reuses its z (the seed), several draw a fresh one.
            if config.criticSteps > 1 { z = Tensor.randn([n, config.latentDimension], using: &rng) }
            models.step.generatorStep(z: z)
        }
        for _ in 0..<warmup { oneIteration() }
        let products = BLAS.recordingProducts { oneIteration() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { oneIteration() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let floor = BLAS.timeProducts(products, repetitions: max(3, min(iterations / 4, 50)))
        return Result(model: model, batch: n, criticSteps: config.criticSteps, threads: threads, iterations: iterations,
                      msPerIteration: seconds * 1000 / Double(iterations),
                      gflopPerIteration: products.reduce(0) { $0 + $1.flops } / 1e9, floorMs: floor * 1000,
                      blasCore: BLAS.coreName)
    }
}
