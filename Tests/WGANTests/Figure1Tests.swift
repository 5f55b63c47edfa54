import Foundation
import WGAN
import WGANEngine
import XCTest

/// The paper's Figure 1 in numbers, on small critics: clipping's gradients explode or vanish
/// from layer to layer and its weights pile at ±c; the penalty's stay level and spread.
final class Figure1Tests: XCTestCase {
    private var tiny: Figure1Experiment.Settings {
        var settings = Figure1Experiment.Settings()
        settings.surfaceSteps = 3
        settings.deepSteps = 10
        settings.width = 16
        settings.deepWidth = 64
        settings.batchSize = 32
        return settings
    }

    func testDeepClippedCriticsVanishOrExplodeWhereThePenaltyStaysLevel() throws {
        let critics = Figure1Experiment(settings: tiny).deepCritics()
        XCTAssertEqual(critics.map(\.constraint), [.clipping(0.1), .clipping(0.01), .clipping(0.001), .penalty(lambda: 0.1)])
        for critic in critics { XCTAssertEqual(critic.gradientNorms.count, 12) }
        func growth(_ critic: Figure1Experiment.DeepCritic) -> Double {
            (critic.gradientNorms.first ?? 0) / (critic.gradientNorms.last ?? 1)
        }
        // A layer of ±c weights scales the backward signal by about c·√width·√½, so eleven layers
        // change it by (c·√32)^11: each tenth of c costs about eleven orders of magnitude.
        XCTAssertGreaterThan(growth(critics[0]), 1e8 * growth(critics[1]), "\(critics.map(\.gradientNorms))")
        XCTAssertGreaterThan(growth(critics[1]), 1e8 * growth(critics[2]), "\(critics.map(\.gradientNorms))")
        XCTAssertLessThan(growth(critics[2]), 1e-10, "c = 0.001 vanishes: \(critics[2].gradientNorms)")
        XCTAssertEqual(log10(growth(critics[3])), 0, accuracy: 1.5, "the penalty stays within a few times: \(critics[3].gradientNorms)")

        let clipped = WeightStatisticsProbe.shareAtBounds(critics[1].weights, bound: 0.01)
        XCTAssertGreaterThan(clipped, 0.8, "most clipped weights sit at ±c")
        XCTAssertTrue(critics[1].weights.allSatisfy { abs($0) <= 0.01 })
        let penalised = critics[3].weights, largest = penalised.map(abs).max() ?? 0
        XCTAssertLessThan(WeightStatisticsProbe.shareAtBounds(penalised, bound: largest), 0.05, "the penalty's weights spread out")
    }

    func testSurfacesCoverEachToySetWithBothConstraints() {
        let surfaces = Figure1Experiment(settings: tiny).surfaces()
        XCTAssertEqual(surfaces.map(\.dataset), ["8gaussians", "8gaussians", "25gaussians", "25gaussians", "swissroll", "swissroll"])
        for surface in surfaces {
            XCTAssertEqual(surface.values.count, 128 * 128)
            XCTAssertTrue(surface.values.allSatisfy(\.isFinite))
            XCTAssertEqual(surface.real.count, 64)
            XCTAssertEqual(surface.fake.count, 64)
        }
        // A clipped critic with c = 0.01 is nearly flat; the penalised one varies far more.
        let spread = surfaces.map { ($0.values.max() ?? 0) - ($0.values.min() ?? 0) }
        XCTAssertLessThan(spread[0], spread[1])
    }
}

/// The share of weights within 1% of ±bound.
enum WeightStatisticsProbe {
    static func shareAtBounds(_ weights: [Float], bound: Float) -> Double {
        Double(weights.filter { abs($0) >= 0.99 * bound }.count) / Double(max(1, weights.count))
    }
}
