import WGANData
import WGANEngine
import WGANModels
import WGANNN

/// What a toy run shows and logs at the end of each of its "epochs": the critic's value over
/// the plane, real and generated points, and, for the Gaussian mixtures, mode coverage.
public struct ToySnapshot {
    /// The square of the plane the surface covers, [−extent, extent]² (the official plots' ±3).
    public static let extent: Float = 3
    /// Grid points per side (the official plots' 128).
    public static let resolution = 128
    /// Generated points measured for mode coverage.
    public static let coverageSamples = 10_000

    /// The critic's value at each grid point, row-major from the bottom row (y = −extent) up.
    public let surface: [Float]
    /// Real points, [x0, y0, ...].
    public let real: [Float]
    /// The generator's points for the run's fixed noise, [x0, y0, ...].
    public let generated: [Float]
    /// Mode coverage of `coverageSamples` generated points; nil for the Swiss roll.
    public let coverage: ModeCoverage?

    /// Scores the grid and draws the points with a stream of its own, so that snapshots leave the
    /// run's random streams, and hence its training, untouched.
    public init(models: TrainingModels, points: ToyPoints, fixedNoise: Tensor, config: TrainingConfig) {
        var rng = RandomGenerator(seed: config.seed ^ 0x736e_6170_7368_6f74)  // "snapshot"
        let realCount = fixedNoise.shape[0]
        real = points.dataset.sample(realCount, using: &rng)
        surface = Self.criticSurface(models.critic)
        let generator = models.generator
        if config.fixedGenerator {
            // The fixed generator's fakes are real points plus N(0, 1) noise.
            let noise = Tensor.randn([realCount, 2], using: &rng)
            generated = zip(real, noise.storage.buffer).map { $0 + $1 }
            coverage = nil
            return
        }
        generator.eval()
        defer { generator.train() }
        generated = withoutGrad { generator(fixedNoise).scalars }
        let z = Tensor.randn([Self.coverageSamples, config.latentDimension], using: &rng)
        coverage = ModeCoverage(points: withoutGrad { generator(z).scalars }, dataset: points.dataset)
    }

    /// The critic's value over a `resolution`² grid on [−extent, extent]², one batch.
    public static func criticSurface(_ critic: Module) -> [Float] {
        let n = resolution
        var grid = [Float](repeating: 0, count: 2 * n * n)
        for row in 0..<n {
            for column in 0..<n {
                grid[2 * (row * n + column)] = coordinate(column)
                grid[2 * (row * n + column) + 1] = coordinate(row)
            }
        }
        return withoutGrad { critic(Tensor(grid, shape: [n * n, 2])).scalars }
    }

    /// The plane coordinate of grid line `index` (of `resolution`, spanning ±extent).
    public static func coordinate(_ index: Int) -> Float {
        -extent + 2 * extent * Float(index) / Float(resolution - 1)
    }
}
