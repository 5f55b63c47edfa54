import Foundation
import TensorFormats
import WGANModels
import WGANTestSupport
import XCTest

/// `wgan train` and `wgan sample` on every model of the catalogue at a small width, so that a new
/// model's checkpoint round trip is tested the day it is listed (`mpirun` over every model is in
/// `DistributedTrainingTests`).
final class EveryModelCommandTests: XCTestCase {
    func testEveryModelTrainsAndItsCheckpointSamples() throws {
        let folder = try temporaryFolder()
        for model in ModelCatalogue.builtIn.models {
            let run = "\(model.name)-run"
            let trained = try wgan(["train"] + ModelTestData.arguments(for: model, in: folder)
                                   + ["--max-steps", "1", "--threads", "1", "--out", run], in: folder)
            XCTAssertEqual(trained.status, 0, "\(model.name): \(trained.standardError)")
            func sample(seed: Int) throws -> NPYArray {
                let file = "\(model.name)-\(seed).npy"
                let sampled = try wgan(["sample", "--checkpoint", run, "--count", "3", "--seed", "\(seed)", "--out", file], in: folder)
                XCTAssertEqual(sampled.status, 0, "\(model.name): \(sampled.standardError)")
                return try NPYArray(contentsOf: folder.appendingPathComponent(file))
            }
            let (first, again, other) = (try sample(seed: 4), try sample(seed: 4), try sample(seed: 5))
            XCTAssertEqual(first.shape, [3] + model.defaultImageShape, model.name)
            XCTAssertEqual(first, again, "\(model.name): the same seed samples the same values")
            XCTAssertNotEqual(first.values, other.values, "\(model.name): another seed samples others")
            let range: ClosedRange<Float> = model.samples == .points ? -100...100 : (model.pixelValues == .unit ? 0...1 : -1...1)
            XCTAssertTrue(first.values.allSatisfy { range.contains($0) }, "\(model.name): samples outside \(range)")
        }
    }
}
