import Dispatch
import WGANEngine
import WGANModels
import WGANNN
import WGANOptim

/// Times the seed's full training step (critic step with the penalty, then generator step) on
/// data held in memory, and relates it to the time the step's matrix products alone take.
public struct SeedBenchmark {
    public struct Result: Sendable {
        public let batch: Int
        public let threads: Int
        public let steps: Int
        public let msPerStep: Double
        public let gflopPerStep: Double
        /// The step's products timed on their own, back to back: the floor of the step's time.
        public let floorMs: Double
        public let blasCore: String
        public var stepsPerSecond: Double { 1000 / msPerStep }
        public var achievedGflops: Double { gflopPerStep / (msPerStep / 1000) }
        public var sgemmGflops: Double { gflopPerStep / (floorMs / 1000) }
        public var ratioToFloor: Double { msPerStep / floorMs }
    }

    public var batch = 64
    public var steps = 200
    public var warmup = 20
    public var threads = 2
    public var seed: UInt64 = 0
    public var penaltyNorm: PenaltyNorm = .sample

    public init() {}

    public func run() throws -> Result {
        let models = [SeedGenerator.size(latentDimension: 100, pixels: 784), SeedCritic.size(pixels: 784)]
        try MemoryBudget.require(floats: ModelSize.trainingFloats(models, batch: batch),
                                 for: "a benchmark with --batch-size \(batch)", remedy: "use a smaller --batch-size")
        try BLAS.load()
        Parallel.threads = threads
        var rng = RandomGenerator(seed: seed)
        let generator = SeedGenerator(using: &rng), critic = SeedCritic(using: &rng)
        let step = WGANGPStep(
            generator: generator, critic: critic,
            generatorOptimizer: Adam(parameters: generator.parameters, learningRate: 1e-3),
            criticOptimizer: Adam(parameters: critic.parameters, learningRate: 4e-3),
            lambda: 10, penaltyNorm: penaltyNorm)
        // Synthetic images in [-1, 1]: the step's cost does not depend on the pixels.
        let real = Tensor.uniform([batch, 1, 28, 28], low: -1, high: 1, using: &rng)
        func oneStep() {
            let z = Tensor.randn([batch, generator.latentDimension], using: &rng)
            let alpha = Tensor.uniform([batch, 1], using: &rng)
            step.criticStep(real: real, z: z, alpha: alpha)
            step.generatorStep(z: z)
        }
        for _ in 0..<warmup { oneStep() }
        let products = BLAS.recordingProducts { oneStep() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps { oneStep() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let floor = BLAS.timeProducts(products, repetitions: max(10, steps / 4))
        return Result(batch: batch, threads: threads, steps: steps, msPerStep: seconds * 1000 / Double(steps),
                      gflopPerStep: products.reduce(0) { $0 + $1.flops } / 1e9, floorMs: floor * 1000,
                      blasCore: BLAS.coreName)
    }
}
