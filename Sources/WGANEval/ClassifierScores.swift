import Foundation
import WGANEngine

/// What the classifier's predictions on a set of samples say about it.
public struct ClassifierScores: Equatable, Sendable {
    /// The classifier's Inception score: exp(E_x KL(p(y|x) ‖ p(y))), from 1 (every sample
    /// classified alike, or every prediction uniform) to the number of classes (each sample sure
    /// of its class, the classes equally common).
    public let inceptionScore: Double
    /// The share of samples whose most probable class has at least `confidenceThreshold`.
    public let confident: Double
    /// How many samples fall in each class (argmax), by class index.
    public let classes: [Int]

    /// A sample counts as confident when its top class has at least this probability.
    public static let confidenceThreshold = 0.9

    /// The scores of `logits` [N, K] (N ≥ 1).
    public init(logits: Tensor) {
        precondition(logits.rank == 2 && logits.shape[0] >= 1, "logits must be [N, K], got \(logits.shape)")
        var accumulator = Accumulator(classes: logits.shape[1])
        accumulator.add(logits)
        self = accumulator.scores
    }

    init(inceptionScore: Double, confident: Double, classes: [Int]) {
        (self.inceptionScore, self.confident, self.classes) = (inceptionScore, confident, classes)
    }
}

extension ClassifierScores {
    /// The scores of logits that arrive batch by batch, in memory of one batch and K values.
    ///
    /// E_x KL(p(y|x) ‖ p(y)) = (1/N) [Σᵢⱼ pᵢⱼ log pᵢⱼ − Σⱼ Pⱼ log(Pⱼ/N)] with Pⱼ = Σᵢ pᵢⱼ, so the sum
    /// of p log p and the column sums P are all the batches need to leave behind.
    public struct Accumulator: Sendable {
        public private(set) var count = 0
        private var columnSums: [Double]
        private var negativeEntropy = 0.0
        private var classes: [Int]
        private var confidentCount = 0

        public init(classes: Int) {
            columnSums = [Double](repeating: 0, count: classes)
            self.classes = [Int](repeating: 0, count: classes)
        }

        /// Adds logits [n, K]: softmax in double precision, row by row.
        public mutating func add(_ logits: Tensor) {
            let k = columnSums.count
            precondition(logits.rank == 2 && logits.shape[1] == k, "logits \(logits.shape) for \(k) classes")
            let z = logits.storage.pointer
            var probabilities = [Double](repeating: 0, count: k)
            for i in 0..<logits.shape[0] {
                let row = UnsafeBufferPointer(start: z + i * k, count: k)
                let top = row.indices.max { row[$0] < row[$1] } ?? 0
                let peak = Double(row[top])
                // Shifted by the largest logit so that exp cannot overflow.
                let total = row.reduce(0) { $0 + Foundation.exp(Double($1) - peak) }
                for j in 0..<k {
                    let p = Foundation.exp(Double(row[j]) - peak) / total
                    probabilities[j] = p
                    columnSums[j] += p
                    if p > 0 { negativeEntropy += p * Foundation.log(p) }
                }
                classes[top] += 1
                if probabilities[top] >= ClassifierScores.confidenceThreshold { confidentCount += 1 }
            }
            count += logits.shape[0]
        }

        /// The scores of every row added so far (at least one).
        public var scores: ClassifierScores {
            precondition(count >= 1, "no logits were added")
            let n = Double(count)
            let crossTerm = columnSums.reduce(0) { $0 + ($1 > 0 ? $1 * Foundation.log($1 / n) : 0) }
            return ClassifierScores(inceptionScore: Foundation.exp((negativeEntropy - crossTerm) / n),
                                    confident: Double(confidentCount) / n, classes: classes)
        }
    }
}
