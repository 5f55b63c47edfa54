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
    /// (divided by N − 1, as numpy's `np.cov`), from the centred features through `dgemm`.
    public init(features: Tensor) throws(EvaluationError) {
        guard features.rank == 2, features.shape[0] >= 2 else {
            throw .invalid("FID needs at least 2 samples, got \(features.shape.first ?? 0)")
        }
        try BLAS.loadForEvaluation()
        let (n, d) = (features.shape[0], features.shape[1])
        let x = features.storage.pointer
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d { mean[j] += Double(x[i * d + j]) }
        }
        for j in 0..<d { mean[j] /= Double(n) }
        var centred = [Double](repeating: 0, count: n * d)
        centred.withUnsafeMutableBufferPointer { c in
            for i in 0..<n {
                for j in 0..<d { c[i * d + j] = Double(x[i * d + j]) - mean[j] }
            }
        }
        var covariance = [Double](repeating: 0, count: d * d)
        centred.withUnsafeBufferPointer { c in
            covariance.withUnsafeMutableBufferPointer { s in
                wgan_dgemm(1, 0, Int32(d), Int32(d), Int32(n), 1 / Double(n - 1), c.baseAddress, Int32(d),
                           c.baseAddress, Int32(d), 0, s.baseAddress, Int32(d))
            }
        }
        self.init(mean: mean, covariance: SymmetricMatrix(size: d, values: covariance), count: n)
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
