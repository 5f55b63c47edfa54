import WGANEngine
import XCTest
@testable import WGANEval

final class StatisticsTests: XCTestCase {
    override func setUpWithError() throws { try BLAS.load() }

    func testMeanAndCovarianceAreNumpys() throws {
        // np.cov([[1, 2], [3, 5], [0, -1], [2, 2]], rowvar=False), divided by N − 1.
        let stats = try FeatureStatistics(features: Tensor([1, 2, 3, 5, 0, -1, 2, 2], shape: [4, 2]))
        XCTAssertEqual(stats.mean, [1.5, 2])
        for (value, expected) in zip(stats.covariance.values, [5.0 / 3, 3, 3, 6]) { XCTAssertEqual(value, expected, accuracy: 1e-12) }
    }

    func testFrechetDistanceMatchesScipy() throws {
        // numpy/scipy: |m1 − m2|² + tr s1 + tr s2 − 2 tr sqrtm(s1 @ s2) = 3.350376685188457.
        let a = FeatureStatistics(mean: [0.5, -1, 2], covariance: SymmetricMatrix(size: 3, values: [2, 0.3, 0.1, 0.3, 1, -0.2, 0.1, -0.2, 0.5]), count: 10)
        let b = FeatureStatistics(mean: [0, 0.5, 1.5], covariance: SymmetricMatrix(size: 3, values: [1, -0.4, 0, -0.4, 1.5, 0.3, 0, 0.3, 0.8]), count: 10)
        XCTAssertEqual(try a.frechetDistance(to: b), 3.350376685188457, accuracy: 1e-10)
        XCTAssertEqual(try b.frechetDistance(to: a), 3.350376685188457, accuracy: 1e-10, "FID is symmetric")
    }

    func testASetAgainstItselfIsZeroAndAShiftAddsItsSquaredLength() throws {
        var random = RandomGenerator(seed: 3)
        let x = Tensor.randn([40, 6], using: &random)
        let stats = try FeatureStatistics(features: x)
        XCTAssertEqual(try stats.frechetDistance(to: stats), 0, accuracy: 1e-9)
        // Adding c to every feature moves the mean by c·1 and leaves the covariance: FID = D·c².
        let shifted = try FeatureStatistics(features: withoutGrad { x + 0.5 })
        XCTAssertEqual(try stats.frechetDistance(to: shifted), 6 * 0.25, accuracy: 1e-5)
        // Scaling by s: Σ → s²Σ, so the trace term is tr Σ (1 + s² − 2s) = (1 − s)² tr Σ (means scale too).
        let scaled = try FeatureStatistics(features: withoutGrad { x * 2 })
        let meanPart = stats.mean.reduce(0) { $0 + $1 * $1 }
        XCTAssertEqual(try stats.frechetDistance(to: scaled), meanPart + stats.covariance.trace, accuracy: 1e-4)
    }

    /// Batches of 7, 1 and 32 rows give the statistics of all 40 at once, with features far from
    /// zero (where a one-pass Σx² − n·m² would lose digits).
    func testStatisticsGatheredInBatchesAreThoseOfTheWholeSet() throws {
        var random = RandomGenerator(seed: 5)
        let x = withoutGrad { Tensor.randn([40, 6], using: &random) * 0.01 + 1000 }
        let whole = try FeatureStatistics(features: x)
        var accumulator = try FeatureStatistics.Accumulator(dimension: 6)
        for range in [0..<7, 7..<8, 8..<40] { accumulator.add(x.rows(range)) }
        let batched = try accumulator.statistics()
        XCTAssertEqual(batched.count, 40)
        for (a, b) in zip(batched.mean, whole.mean) { XCTAssertEqual(a, b, accuracy: 1e-12 * abs(b)) }
        let scale = whole.covariance.values.map(abs).max()!
        for (a, b) in zip(batched.covariance.values, whole.covariance.values) { XCTAssertEqual(a, b, accuracy: 1e-9 * scale) }
        XCTAssertGreaterThan(scale, 1e-5, "the covariance is the noise's (1e-4), not rounding")
        XCTAssertThrowsError(try FeatureStatistics.Accumulator(dimension: 6).statistics(), "no samples")
    }

    func testScoresGatheredInBatchesAreThoseOfTheWholeSet() {
        var random = RandomGenerator(seed: 6)
        let logits = withoutGrad { Tensor.randn([30, 4], using: &random) * 3 }
        let whole = ClassifierScores(logits: logits)
        var accumulator = ClassifierScores.Accumulator(classes: 4)
        for range in [0..<11, 11..<12, 12..<30] { accumulator.add(logits.rows(range)) }
        let batched = accumulator.scores
        XCTAssertEqual(batched.inceptionScore, whole.inceptionScore, accuracy: 1e-12)
        XCTAssertEqual(batched.confident, whole.confident)
        XCTAssertEqual(batched.classes, whole.classes)
        XCTAssertEqual(batched.classes.reduce(0, +), 30)
        XCTAssertGreaterThan(whole.inceptionScore, 1.5, "random logits of scale 3 are confident enough to score above 1")
    }

    func testEigenvaluesOfAKnownMatrix() throws {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3, with eigenvectors (1, −1)/√2 and (1, 1)/√2.
        let (values, vectors) = try SymmetricMatrix(size: 2, values: [2, 1, 1, 2]).eigen()
        XCTAssertEqual(values[0], 1, accuracy: 1e-12)
        XCTAssertEqual(values[1], 3, accuracy: 1e-12)
        XCTAssertEqual(abs(vectors[2] * vectors[3] * 2), 1, accuracy: 1e-12)
        XCTAssertEqual(vectors[0] * vectors[1] * 2, -1, accuracy: 1e-12)
    }

    func testInceptionScoreConfidenceAndClasses() {
        // Two samples, each sure of a different class: p(y) uniform over 2 of 3, IS → 2.
        let sure = ClassifierScores(logits: Tensor([30, 0, 0, 0, 30, 0], shape: [2, 3]))
        XCTAssertEqual(sure.inceptionScore, 2, accuracy: 1e-9)
        XCTAssertEqual(sure.confident, 1)
        XCTAssertEqual(sure.classes, [1, 1, 0])
        // Uniform predictions: IS 1, nobody confident; ties go to the first class.
        let unsure = ClassifierScores(logits: Tensor([0, 0, 0, 1, 1, 1], shape: [2, 3]))
        XCTAssertEqual(unsure.inceptionScore, 1, accuracy: 1e-12)
        XCTAssertEqual(unsure.confident, 0)
        XCTAssertEqual(unsure.classes, [2, 0, 0])
        // p = softmax(0, log 3) = (1/4, 3/4) for both: IS = 1 (every sample alike).
        let alike = ClassifierScores(logits: Tensor([0, Float(log(3.0)), 0, Float(log(3.0))], shape: [2, 2]))
        XCTAssertEqual(alike.inceptionScore, 1, accuracy: 1e-6)
    }

    func testCrossEntropyValueAndGradients() {
        // Row [0, log 3] with label 1: −log(3/4); row [2, 2] with label 0: log 2.
        let logits = Tensor([0, Float(log(3.0)), 2, 2], shape: [2, 2])
        XCTAssertEqual(Double(logits.crossEntropy(labels: [1, 0]).item), (-log(0.75) + log(2)) / 2, accuracy: 1e-6)
        var random = RandomGenerator(seed: 5)
        let x = Tensor.randn([3, 4], using: &random)
        XCTAssertLessThan(GradientCheck.firstOrderError(at: [x]) { $0[0].crossEntropy(labels: [3, 0, 1]) }, 1e-3)
        // Large logits do not overflow.
        XCTAssertEqual(Tensor([1000, 0], shape: [1, 2]).crossEntropy(labels: [0]).item, 0, accuracy: 1e-6)
    }
}
