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

    /// The scores of `logits` [N, K]: softmax in double precision, row by row.
    public init(logits: Tensor) {
        precondition(logits.rank == 2 && logits.shape[0] >= 1, "logits must be [N, K], got \(logits.shape)")
        let (n, k) = (logits.shape[0], logits.shape[1])
        let z = logits.storage.pointer
        var probabilities = [Double](repeating: 0, count: n * k)
        var marginal = [Double](repeating: 0, count: k)
        var classes = [Int](repeating: 0, count: k)
        var confidentCount = 0
        for i in 0..<n {
            let row = UnsafeBufferPointer(start: z + i * k, count: k)
            let top = row.indices.max { row[$0] < row[$1] } ?? 0
            let peak = Double(row[top])
            // Shifted by the largest logit so that exp cannot overflow.
            let total = row.reduce(0) { $0 + Foundation.exp(Double($1) - peak) }
            for j in 0..<k {
                let p = Foundation.exp(Double(row[j]) - peak) / total
                probabilities[i * k + j] = p
                marginal[j] += p / Double(n)
            }
            classes[top] += 1
            if probabilities[i * k + top] >= Self.confidenceThreshold { confidentCount += 1 }
        }
        var divergence = 0.0
        for i in 0..<n {
            for j in 0..<k where probabilities[i * k + j] > 0 {
                let p = probabilities[i * k + j]
                divergence += p * (Foundation.log(p) - Foundation.log(marginal[j]))
            }
        }
        inceptionScore = Foundation.exp(divergence / Double(n))
        confident = Double(confidentCount) / Double(n)
        self.classes = classes
    }
}
