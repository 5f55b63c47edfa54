import WGANData
import XCTest

/// The toy sets are drawn as the official gan_toy.py draws them, and mode coverage counts as the
/// paper's toy experiments count.
final class ToyDatasetTests: XCTestCase {
    private struct Counter: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func testEightGaussiansLieAtTheirScaledCentresInEqualShares() throws {
        var rng = Counter(state: 1)
        let points = ToyDataset.eightGaussians.sample(8000, using: &rng)
        XCTAssertEqual(points.count, 16000)
        let modes = try XCTUnwrap(ToyDataset.eightGaussians.modes)
        XCTAssertEqual(modes.count, 8)
        XCTAssertEqual(modes[0].x, 2 / 1.414, accuracy: 1e-12)
        XCTAssertEqual((modes[4] * modes[4]).sum().squareRoot(), 2 / 1.414, accuracy: 1e-12, "all on one circle")
        let coverage = try XCTUnwrap(ModeCoverage(points: points, dataset: .eightGaussians))
        // Within 3σ of its centre: 98.9% of a 2-D Gaussian's mass.
        XCTAssertEqual(coverage.highQualityShare, 0.989, accuracy: 0.005)
        XCTAssertEqual(coverage.coveredModes, 8)
        for count in coverage.highQualityPerMode { XCTAssertEqual(Double(count), 989, accuracy: 110, "\(coverage.highQualityPerMode)") }
    }

    func testTwentyFiveGaussiansAreOneBalancedShuffledSet() throws {
        var rng = Counter(state: 2)
        let points = ToyDataset.twentyFiveGaussiansSet(using: &rng)
        XCTAssertEqual(points.count, 2 * ToyDataset.twentyFiveGaussiansCount)
        let coverage = try XCTUnwrap(ModeCoverage(points: points, dataset: .twentyFiveGaussians))
        XCTAssertEqual(coverage.coveredModes, 25)
        XCTAssertEqual(coverage.highQualityShare, 0.989, accuracy: 0.003)
        let modes = try XCTUnwrap(ToyDataset.twentyFiveGaussians.modes)
        XCTAssertEqual(modes.map(\.x).max() ?? 0, 4 / 2.828, accuracy: 1e-12)
        // Shuffled once: the first 25 points are not the generation order's one per centre.
        let firstNearest = (0..<25).map { i in
            modes.indices.min { a, b in
                let p = SIMD2(Double(points[2 * i]), Double(points[2 * i + 1]))
                return ((p - modes[a]) * (p - modes[a])).sum() < ((p - modes[b]) * (p - modes[b])).sum()
            } ?? 0
        }
        XCTAssertNotEqual(firstNearest, Array(0..<25))
    }

    func testSwissRollFollowsTheSpiralAtItsScale() {
        var rng = Counter(state: 3)
        let points = ToyDataset.swissRoll.sample(5000, using: &rng)
        XCTAssertNil(ToyDataset.swissRoll.modes)
        XCTAssertNil(ModeCoverage(points: points, dataset: .swissRoll))
        let radii: [Double] = (0..<5000).map { i in
            let p = SIMD2(Double(points[2 * i]), Double(points[2 * i + 1]))
            return (p * p).sum().squareRoot() * 7.5
        }
        // t ∈ [1.5π, 4.5π] is the radius of the noiseless spiral; the noise adds about 0.25 per axis.
        XCTAssertGreaterThan(radii.min() ?? 0, 1.5 * Double.pi - 1.5)
        XCTAssertLessThan(radii.max() ?? .infinity, 4.5 * Double.pi + 1.5)
        XCTAssertEqual(radii.reduce(0, +) / 5000, 3 * Double.pi, accuracy: 0.3, "t is uniform, so the mean radius is the middle")
    }

    func testCoverageCountsModesHoldingOnePercentOfTheSamples() throws {
        let modes = try XCTUnwrap(ToyDataset.eightGaussians.modes)
        // 990 samples at mode 0, 10 at mode 1 (1%: covered), none elsewhere, and 5 far away or NaN.
        var points: [Float] = []
        for _ in 0..<990 { points += [Float(modes[0].x), Float(modes[0].y)] }
        for _ in 0..<10 { points += [Float(modes[1].x) + 0.01, Float(modes[1].y)] }
        let covered = try XCTUnwrap(ModeCoverage(points: points, dataset: .eightGaussians))
        XCTAssertEqual(covered.coveredModes, 2)
        XCTAssertEqual(covered.highQualityShare, 1)
        XCTAssertEqual(covered.highQualityPerMode, [990, 10, 0, 0, 0, 0, 0, 0])
        let withOutliers = try XCTUnwrap(ModeCoverage(points: points + [5, 5, .nan, 0, 0, 0, 0.9, 0.9, -3, 3], dataset: .eightGaussians))
        XCTAssertEqual(withOutliers.highQualityShare, 1000.0 / 1005.0, accuracy: 1e-12)
        XCTAssertEqual(withOutliers.coveredModes, 1, "10 of 1005 samples is under 1%")
        XCTAssertEqual(try XCTUnwrap(ModeCoverage(points: [], dataset: .eightGaussians)).coveredModes, 0)
    }
}
