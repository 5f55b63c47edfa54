import CBLASRuntime
import WGANEngine

/// The Inception score as the original code (Salimans et al.) computes it: the softmax of the
/// logits, the samples cut into 10 contiguous splits in their order (split i holds samples
/// i·N/10 ..< (i+1)·N/10), exp(E KL(p(y|x) ‖ p(y))) within each, then the splits' mean and
/// standard deviation (numpy's, over the splits: divided by their count).
public struct InceptionScore: Equatable, Sendable {
    public let mean: Double
    public let standardDeviation: Double
    public let splits: Int

    public static let defaultSplits = 10

    /// The score of logits that arrive batch by batch, in sample order; memory holds one batch.
    public struct Accumulator: Sendable {
        public let count: Int
        public let splits: Int
        private var parts: [ClassifierScores.Accumulator]
        /// Split i holds samples starts[i] ..< starts[i + 1].
        private let starts: [Int]
        private var seen = 0, split = 0

        /// For `count` samples (at least `splits`) of `classes` logits each.
        public init(count: Int, classes: Int, splits: Int = InceptionScore.defaultSplits) {
            precondition(splits >= 1 && count >= splits, "\(count) samples cannot fill \(splits) splits")
            (self.count, self.splits) = (count, splits)
            parts = Array(repeating: ClassifierScores.Accumulator(classes: classes), count: splits)
            starts = (0...splits).map { $0 * count / splits }
        }

        /// Adds the next rows of logits [n, classes].
        public mutating func add(_ logits: Tensor) {
            var row = 0
            while row < logits.shape[0] {
                precondition(seen < count, "more than the \(count) samples announced")
                while seen >= starts[split + 1] { split += 1 }
                let take = min(logits.shape[0] - row, starts[split + 1] - seen)
                parts[split].add(logits.rows(row..<row + take))
                (row, seen) = (row + take, seen + take)
            }
        }

        /// The score once all `count` samples are in.
        public var score: InceptionScore {
            precondition(seen == count, "\(seen) of the \(count) samples announced were added")
            let scores = parts.map(\.scores.inceptionScore)
            let mean = scores.reduce(0, +) / Double(splits)
            let variance = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(splits)
            return InceptionScore(mean: mean, standardDeviation: variance.squareRoot(), splits: splits)
        }
    }
}

/// The kernel inception distance (Bińkowski et al.) as torch-fidelity computes it: for each of
/// `subsets` pairs of random subsets of `subsetSize` features (drawn as numpy's
/// `RandomState(seed).choice(n, size, replace=False)`, first set then second), the unbiased
/// MMD² under the kernel k(x, y) = (x·y/d + 1)³; then the mean and standard deviation over
/// the subsets. Kernel sums are in double precision.
public struct KernelInceptionDistance: Equatable, Sendable {
    public let mean: Double
    public let standardDeviation: Double
    /// The subset size used: `subsetSize`, or the smaller set's count where that is less.
    public let subsetSize: Int
    public let subsets: Int

    public static let defaultSubsets = 100, defaultSubsetSize = 1000, defaultSeed: UInt32 = 2020

    /// KID between `first` [n₁, d] and `second` [n₂, d] (both at least 2 rows).
    public init(_ first: Tensor, _ second: Tensor, subsets: Int = defaultSubsets, subsetSize: Int = defaultSubsetSize,
                seed: UInt32 = defaultSeed) throws(EvaluationError) {
        guard first.rank == 2, second.rank == 2, first.shape[1] == second.shape[1] else {
            throw .invalid("KID compares features of one width, not \(first.shape) and \(second.shape)")
        }
        let size = min(subsetSize, first.shape[0], second.shape[0])
        guard size >= 2, subsets >= 1 else { throw .invalid("KID needs subsets of at least 2 samples, got \(size)") }
        try BLAS.loadForEvaluation()
        var random = LegacyRandomState(seed: seed)
        var values: [Double] = []
        for _ in 0..<subsets {
            let x = Self.rows(first, random.choice(first.shape[0], size: size))
            let y = Self.rows(second, random.choice(second.shape[0], size: size))
            values.append(Self.unbiasedMMD2(x, y, count: size, dimension: first.shape[1]))
        }
        let mean = values.reduce(0, +) / Double(subsets)
        self.mean = mean
        standardDeviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(subsets)).squareRoot()
        (self.subsetSize, self.subsets) = (size, subsets)
    }

    /// The rows `indices` of `features`, widened to double.
    private static func rows(_ features: Tensor, _ indices: [Int]) -> [Double] {
        let d = features.shape[1], source = features.storage.pointer
        var out = [Double](repeating: 0, count: indices.count * d)
        for (row, index) in indices.enumerated() {
            for j in 0..<d { out[row * d + j] = Double(source[index * d + j]) }
        }
        return out
    }

    /// (Σ_{i≠j} k(xᵢ, xⱼ) + Σ_{i≠j} k(yᵢ, yⱼ)) / (m(m − 1)) − 2 Σ_{i,j} k(xᵢ, yⱼ) / m².
    private static func unbiasedMMD2(_ x: [Double], _ y: [Double], count m: Int, dimension d: Int) -> Double {
        func kernelSum(_ a: [Double], _ b: [Double], withoutDiagonal: Bool) -> Double {
            var products = [Double](repeating: 0, count: m * m)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    products.withUnsafeMutableBufferPointer { p in
                        wgan_dgemm(0, 1, Int32(m), Int32(m), Int32(d), 1 / Double(d), a.baseAddress, Int32(d), b.baseAddress, Int32(d),
                                   0, p.baseAddress, Int32(m))
                    }
                }
            }
            var total = 0.0
            for i in 0..<m {
                for j in 0..<m where !(withoutDiagonal && i == j) {
                    let k = products[i * m + j] + 1
                    total += k * k * k
                }
            }
            return total
        }
        let within = kernelSum(x, x, withoutDiagonal: true) + kernelSum(y, y, withoutDiagonal: true)
        return within / Double(m * (m - 1)) - 2 * kernelSum(x, y, withoutDiagonal: false) / Double(m * m)
    }
}
