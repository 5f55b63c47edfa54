import Foundation
import TensorFormats
import WGAN
import WGANEngine
import WGANModels
import WGANNN
import WGANOptim
import XCTest

/// Two training steps of the seed's WGAN-GP against PyTorch's values
/// (`../shared/fixtures/seed_steps.safetensors`, computed in float64 from float32 starting
/// values), each within the bound `seed_steps_tolerances.json` gives for it. Every key of the
/// tolerance file is checked.
final class SeedParityTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/fixtures").standardizedFileURL

    private var fixture: SafeTensors!
    private var tolerances: [String: [String: Any]] = [:]
    private var checked: Set<String> = []

    override func setUpWithError() throws {
        let weights = Self.fixtures.appendingPathComponent("seed_steps.safetensors")
        let bounds = Self.fixtures.appendingPathComponent("seed_steps_tolerances.json")
        guard FileManager.default.fileExists(atPath: weights.path), FileManager.default.fileExists(atPath: bounds.path) else {
            XCTFail("PyTorch fixtures not found at \(Self.fixtures.path): the shared/ folder must sit beside the package")
            throw XCTSkip("fixtures missing")
        }
        fixture = try SafeTensors(contentsOf: weights)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: bounds)) as? [String: Any]
        tolerances = try XCTUnwrap(json?["tolerances"] as? [String: [String: Any]])
    }

    func testBothPenaltyVariantsMatchPyTorch() throws {
        try runTwoSteps(variant: "flat", norm: .sample)
        try runTwoSteps(variant: "pixel", norm: .pixel)
        assertEveryToleranceChecked()
    }

    /// The same on two threads, where the critic step differentiates its two parts concurrently.
    func testTwoThreadsMatchPyTorch() throws {
        let saved = Parallel.threads
        Parallel.threads = 2
        defer { Parallel.threads = saved }
        try runTwoSteps(variant: "flat", norm: .sample)
        try runTwoSteps(variant: "pixel", norm: .pixel)
        assertEveryToleranceChecked()
    }

    private func assertEveryToleranceChecked() {
        let unchecked = Set(tolerances.keys).subtracting(checked)
        XCTAssertTrue(unchecked.isEmpty, "tolerance keys not checked: \(unchecked.sorted())")
        XCTAssertEqual(checked.count, tolerances.count)
    }

    private func runTwoSteps(variant: String, norm: PenaltyNorm) throws {
        var rng = RandomGenerator(seed: 0)
        let generator = SeedGenerator(using: &rng), critic = SeedCritic(using: &rng)
        try generator.loadStateDict(loaded(prefix: "init.G."))
        try critic.loadStateDict(loaded(prefix: "init.D."))
        let step = WGANGPStep(
            generator: generator, critic: critic,
            generatorOptimizer: Adam(parameters: generator.parameters, learningRate: 1e-3),
            criticOptimizer: Adam(parameters: critic.parameters, learningRate: 4e-3),
            lambda: 10, penaltyNorm: norm)

        for s in 0..<2 {
            let key = "\(variant).step\(s)"
            let z = try tensor("step\(s).z")
            let result = step.criticStep(real: try tensor("step\(s).real"), z: z, alpha: try tensor("step\(s).alpha"))
            try check("\(key).fake", result.fake)
            try check("\(key).d_real", result.criticReal)
            try check("\(key).d_fake", result.criticFake)
            try check("\(key).input_grad", result.inputGradient)
            try check("\(key).gp", [result.penalty])
            try check("\(key).loss_D", [result.loss])
            if s == 0 {
                for ((name, _), gradient) in zip(critic.namedParameters, result.criticGradients) {
                    try check("\(key).grad.D.\(name)", gradient)
                }
            }
            let lossG = step.generatorStep(z: z)
            try check("\(key).loss_G", [lossG])
            if s == 0, variant == "flat" {
                for (name, parameter) in generator.namedParameters {
                    try check("\(key).grad.G.\(name)", try XCTUnwrap(parameter.grad))
                }
            }
        }
        guard variant == "flat" else { return }
        for (prefix, module) in [("G", generator as Module), ("D", critic)] {
            for (name, value) in module.stateDict {
                let key = "flat.step1.after.\(prefix).\(name)"
                switch value {
                case .tensor(let t): try check(key, t)
                case .integer(let counter): try check(key, [Float(counter.value)])
                }
            }
        }
        generator.eval()
        try check("flat.eval_samples", withoutGrad { generator(try! tensor("step0.z").rows(0..<16)) })
    }

    // MARK: - Fixture access

    private func tensor(_ name: String) throws -> Tensor {
        Tensor(try fixture.doubles(name).map(Float.init), shape: try fixture.shape(of: name))
    }

    private func loaded(prefix: String) throws -> [String: LoadedValue] {
        var values: [String: LoadedValue] = [:]
        for name in fixture.names where name.hasPrefix(prefix) {
            let key = String(name.dropFirst(prefix.count))
            if try fixture.dtype(of: name) == .i64 {
                values[key] = .integer(try fixture.int64s(name)[0])
            } else {
                values[key] = .floats(try fixture.floats(name), shape: try fixture.shape(of: name))
            }
        }
        return values
    }

    private func check(_ key: String, _ actual: Tensor, file: StaticString = #filePath, line: UInt = #line) throws {
        try check(key, actual.scalars, file: file, line: line)
    }

    /// Compares with the float64 value under the key's own measure.
    private func check(_ key: String, _ actual: [Float], file: StaticString = #filePath, line: UInt = #line) throws {
        let bound = try XCTUnwrap(tolerances[key], "no tolerance for \(key)", file: file, line: line)
        let expected = try fixture.dtype(of: key) == .i64 ? fixture.int64s(key).map(Double.init) : fixture.doubles(key)
        XCTAssertEqual(actual.count, expected.count, "\(key): element count", file: file, line: line)
        checked.insert(key)
        if let rel = bound["rel"] as? Double {
            var diff = 0.0, norm = 0.0
            for (a, b) in zip(actual, expected) { diff += (Double(a) - b) * (Double(a) - b); norm += b * b }
            let error = diff.squareRoot() / max(norm.squareRoot(), 1e-300)
            XCTAssertLessThanOrEqual(error, rel, "\(key): relative error \(error) > \(rel)", file: file, line: line)
        } else if let abs = bound["abs"] as? Double {
            let worst = actual.map { Double(Swift.abs($0)) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, abs, "\(key): max |a| = \(worst) > \(abs)", file: file, line: line)
        } else if bound["exact"] as? Bool == true {
            XCTAssertEqual(actual.map(Double.init), expected, "\(key): not exactly equal", file: file, line: line)
        } else {
            XCTFail("\(key): unknown tolerance \(bound)", file: file, line: line)
        }
    }
}
