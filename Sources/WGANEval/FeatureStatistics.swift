import CBLASRuntime
import WGANEngine

/// The mean and covariance of a set of feature vectors, in double precision: what FID compares.
public struct FeatureStatistics: Equatable, Sendable {
    public let mean: [Double]
    public let covariance: SymmetricMatrix
    public let count: Int

    public init(mean: [Double], covariance: SymmetricMatrix, count: Int) {
        self.mean = mean
        self.covariance = covariance
        self.count = count
    }

    /// The statistics of `features` [N, D] (N ≥ 2): the mean and the unbiased covariance
    /// (divided by N − 1, as numpy's `np.cov`).
    public init(features: Tensor) throws(EvaluationError) {
        guard features.rank == 2 else { throw .invalid("features must be [N, D], got \(features.shape)") }
        var accumulator = try Accumulator(dimension: features.shape[1])
        accumulator.add(features)
        self = try accumulator.statistics()
    }

    /// The Fréchet distance between the Gaussians N(μ₁, Σ₁) and N(μ₂, Σ₂):
    ///
    ///     |μ₁ − μ₂|² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁ Σ₂)^½
    ///
    /// The last trace is Σᵢ √λᵢ over the eigenvalues of √Σ₁·Σ₂·√Σ₁, which is symmetric and has the
    /// eigenvalues of Σ₁Σ₂, so two symmetric eigendecompositions (LAPACK's `dsyevd`) give it
    /// without a general matrix square root; eigenvalues that rounding makes slightly negative
    /// count as 0.
    public func frechetDistance(to other: FeatureStatistics) throws(EvaluationError) -> Double {
        guard mean.count == other.mean.count else {
            throw .invalid("features of \(mean.count) and \(other.mean.count) dimensions cannot be compared")
        }
        let meanTerm = zip(mean, other.mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let root = try covariance.applying { $0 > 0 ? $0.squareRoot() : 0 }
        let traceRoot = try root.sandwiching(other.covariance).eigen().values.reduce(0) { $0 + ($1 > 0 ? $1.squareRoot() : 0) }
        return max(0, meanTerm + covariance.trace + other.covariance.trace - 2 * traceRoot)
    }
}

extension FeatureStatistics {
    /// The mean and covariance of feature vectors that arrive batch by batch, so that the memory
    /// they need is one batch and D² values, however many vectors there are.
    ///
    /// Each batch is centred on its own mean (two passes, as `np.cov` does for the whole set), and
    /// its scatter matrix joins the running one by Chan, Golub and LeVeque's pairwise update:
    /// M₂ = M₂ᵃ + M₂ᵇ + δδᵀ·nₐn_b/n, with δ the difference of the two means. One batch gives exactly
    /// the two-pass result.
    public struct Accumulator: Sendable {
        public let dimension: Int
        public private(set) var count = 0
        private var mean: [Double]
        /// Σ (x − mean)(x − mean)ᵀ over the vectors so far, row-major D × D.
        private var scatter: [Double]

        public init(dimension: Int) throws(EvaluationError) {
            guard dimension >= 1 else { throw .invalid("features need at least 1 dimension, got \(dimension)") }
            try BLAS.loadForEvaluation()
            self.dimension = dimension
            mean = [Double](repeating: 0, count: dimension)
            scatter = [Double](repeating: 0, count: dimension * dimension)
        }

        /// Adds the rows of `features` [n, D].
        public mutating func add(_ features: Tensor) {
            precondition(features.rank == 2 && features.shape[1] == dimension, "features \(features.shape) for \(dimension) dimensions")
            let (n, d) = (features.shape[0], dimension)
            guard n > 0 else { return }
            let x = features.storage.pointer
            var batchMean = [Double](repeating: 0, count: d)
            for i in 0..<n {
                for j in 0..<d { batchMean[j] += Double(x[i * d + j]) }
            }
            for j in 0..<d { batchMean[j] /= Double(n) }
            var centred = [Double](repeating: 0, count: n * d)
            centred.withUnsafeMutableBufferPointer { c in
                for i in 0..<n {
                    for j in 0..<d { c[i * d + j] = Double(x[i * d + j]) - batchMean[j] }
                }
            }
            let (before, total) = (Double(count), Double(count + n))
            let weight = before * Double(n) / total
            scatter.withUnsafeMutableBufferPointer { s in
                for r in 0..<d where weight > 0 {
                    let deltaR = batchMean[r] - mean[r]
                    for c in 0..<d { s[r * d + c] += weight * deltaR * (batchMean[c] - mean[c]) }
                }
                centred.withUnsafeBufferPointer { c in
                    wgan_dgemm(1, 0, Int32(d), Int32(d), Int32(n), 1, c.baseAddress, Int32(d), c.baseAddress, Int32(d), 1,
                               s.baseAddress, Int32(d))
                }
            }
            for j in 0..<d { mean[j] += (batchMean[j] - mean[j]) * Double(n) / total }
            count += n
        }

        /// The statistics so far: at least 2 vectors are needed for a covariance.
        public func statistics() throws(EvaluationError) -> FeatureStatistics {
            guard count >= 2 else { throw .invalid("FID needs at least 2 samples, got \(count)") }
            let divisor = Double(count - 1)
            return FeatureStatistics(mean: mean, covariance: SymmetricMatrix(size: dimension, values: scatter.map { $0 / divisor }),
                                     count: count)
        }
    }
}
