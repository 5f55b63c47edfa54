import Foundation
import WGANEngine
import XCTest
@testable import WGANEval

/// FID, the Inception score and KID against the tools people cite, on the same small features:
/// `Fixtures/inception_metrics.json`, written by `scripts/make-metric-fixture` with pytorch-fid
/// 0.3.0 and torch-fidelity 0.4.0.
final class InceptionMetricTests: XCTestCase {
    private var fixture: [String: [[String: Any]]] = [:]

    override func setUpWithError() throws {
        try BLAS.load()
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/inception_metrics.json")
        fixture = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: [[String: Any]]])
    }

    private func tensor(_ value: Any?) throws -> Tensor {
        let rows = try XCTUnwrap(value as? [[Double]])
        return Tensor(rows.flatMap { $0.map(Float.init) }, shape: [rows.count, rows[0].count])
    }

    func testFrechetDistanceIsPytorchFIDs() throws {
        let cases = try XCTUnwrap(fixture["fid"])
        XCTAssertEqual(cases.count, 2)
        for (index, entry) in cases.enumerated() {
            let a = try FeatureStatistics(features: tensor(entry["a"])), b = try FeatureStatistics(features: tensor(entry["b"]))
            let expected = try XCTUnwrap(entry["fid"] as? Double)
            // pytorch-fid's means are float32 (as its activations are), ours double: 1e-6 apart. The
            // second case has fewer samples than dimensions: both covariances are singular, and
            // pytorch-fid's sqrtm needs its 1e-6 offset there; the eigenvalue route needs none.
            XCTAssertEqual(try a.frechetDistance(to: b), expected, accuracy: (index == 0 ? 1e-6 : 1e-5) * expected, "case \(index)")
        }
    }

    func testInceptionScoreIsTheOriginalCodesTenContiguousSplits() throws {
        let cases = try XCTUnwrap(fixture["isc"])
        XCTAssertEqual(cases.count, 2)
        for entry in cases {
            let logits = try tensor(entry["logits"])
            // Added in uneven batches: the splits must not depend on them.
            var accumulator = InceptionScore.Accumulator(count: logits.shape[0], classes: logits.shape[1])
            var start = 0
            for size in [7, 1, 13, 100] where start < logits.shape[0] {
                accumulator.add(logits.rows(start..<min(logits.shape[0], start + size)))
                start += size
            }
            let score = accumulator.score
            XCTAssertEqual(score.mean, try XCTUnwrap(entry["mean"] as? Double), accuracy: 1e-9)
            XCTAssertEqual(score.standardDeviation, try XCTUnwrap(entry["std"] as? Double), accuracy: 1e-9)
            XCTAssertEqual(score.splits, 10)
        }
    }

    func testSubsetsAreNumpysLegacyChoice() throws {
        for entry in try XCTUnwrap(fixture["kid"]) {
            var random = LegacyRandomState(seed: 2020)
            let a = try tensor(entry["a"])
            XCTAssertEqual(random.choice(a.shape[0], size: try XCTUnwrap(entry["subset_size"] as? Int)),
                           try XCTUnwrap(entry["first_subset_of_a"] as? [Int]))
        }
    }

    func testKernelInceptionDistanceIsTorchFidelitys() throws {
        let cases = try XCTUnwrap(fixture["kid"])
        XCTAssertEqual(cases.count, 2)
        for entry in cases {
            let kid = try KernelInceptionDistance(tensor(entry["a"]), tensor(entry["b"]), subsets: try XCTUnwrap(entry["subsets"] as? Int),
                                                  subsetSize: try XCTUnwrap(entry["subset_size"] as? Int))
            let mean = try XCTUnwrap(entry["mean"] as? Double), std = try XCTUnwrap(entry["std"] as? Double)
            // torch-fidelity sums float32 kernels (its second case's std, 4.5e-7 where every subset is
            // the whole set, is that rounding alone); these sums are in double.
            XCTAssertEqual(kid.mean, mean, accuracy: 1e-4 * Swift.max(abs(mean), 1e-3))
            XCTAssertEqual(kid.standardDeviation, std, accuracy: 1e-4 * std + 1e-6)
        }
    }

    func testKIDClampsTheSubsetToTheSmallerSet() throws {
        var random = RandomGenerator(seed: 4)
        let a = Tensor.uniform([12, 3], using: &random), b = Tensor.uniform([9, 3], using: &random)
        let kid = try KernelInceptionDistance(a, b, subsets: 4, subsetSize: 1000)
        XCTAssertEqual(kid.subsetSize, 9)
        XCTAssertEqual(kid.subsets, 4)
        XCTAssertTrue(kid.mean.isFinite)
        XCTAssertThrowsError(try KernelInceptionDistance(a, Tensor.uniform([1, 3], using: &random)))
    }
}

/// A measurement gathers what FID, the Inception score and KID need, batch by batch, and its
/// report is theirs.
final class InceptionMeasurementTests: XCTestCase {
    func testAReportIsTheMetricsOfTheGatheredOutputs() throws {
        try BLAS.load()
        var random = RandomGenerator(seed: 9)
        // The network's 2048 features would make each FID two 2048² eigendecompositions: 16 show the same.
        let (n, d, k) = (23, 16, 12)
        let pool3 = Tensor.uniform([n, d], using: &random), logits = withoutGrad { Tensor.randn([n, k], using: &random) * 4 }
        var measurement = try InceptionMeasurement(count: n, features: d, classes: k)
        for range in [0..<5, 5..<6, 6..<23] {
            try measurement.add(InceptionNetwork.Outputs(pool3: pool3.rows(range), logits: logits.rows(range)))
        }
        XCTAssertThrowsError(try measurement.add(InceptionNetwork.Outputs(pool3: pool3.rows(0..<1), logits: logits.rows(0..<1))),
                             "no more than announced")
        let referenceFeatures = Tensor.uniform([15, d], using: &random)
        let reference = InceptionReference(statistics: try FeatureStatistics(features: referenceFeatures), features: referenceFeatures)
        let report = try measurement.report(against: reference, kidSubsets: 3, kidSubsetSize: 10)
        XCTAssertEqual(report.fid, try FeatureStatistics(features: pool3).frechetDistance(to: reference.statistics),
                       accuracy: 1e-9 * report.fid, "gathered in three batches or at once")
        var scores = InceptionScore.Accumulator(count: n, classes: k)
        scores.add(logits)
        XCTAssertEqual(report.inceptionScore, scores.score)
        XCTAssertEqual(report.kid, try KernelInceptionDistance(pool3, referenceFeatures, subsets: 3, subsetSize: 10))
        XCTAssertEqual(report.sampleCount, 23)
        XCTAssertEqual(report.referenceCount, 15)
        XCTAssertTrue(report.json.hasPrefix("{\"count\":23,\"fid\":"), report.json)
        XCTAssertTrue(report.json.contains("\"kid_subset_size\":10"), report.json)

        let statisticsOnly = InceptionReference(statistics: reference.statistics, features: nil)
        let withoutKID = try measurement.report(against: statisticsOnly)
        XCTAssertNil(withoutKID.kid)
        XCTAssertEqual(withoutKID.fid, report.fid)
        XCTAssertTrue(withoutKID.lines.last!.hasPrefix("KID: not computed"), withoutKID.lines.joined(separator: "\n"))
        XCTAssertThrowsError(try InceptionMeasurement(count: 9), "fewer samples than the score's splits")
    }
}
