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
    private var fixture: PyTorchFixture!

    override func setUpWithError() throws {
        fixture = try PyTorchFixture("seed_steps")
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
        fixture.assertEveryToleranceChecked()
    }

    private func runTwoSteps(variant: String, norm: PenaltyNorm) throws {
        var rng = RandomGenerator(seed: 0)
        let generator = SeedGenerator(using: &rng), critic = SeedCritic(using: &rng)
        try generator.loadStateDict(loaded(prefix: "init.G."))
        try critic.loadStateDict(loaded(prefix: "init.D."))
        let step = try WGANGPStep(
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
            try check("\(key).input_grad", try XCTUnwrap(result.inputGradient))
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

    private func tensor(_ name: String) throws -> Tensor { try fixture.tensor(name) }
    private func loaded(prefix: String) throws -> [String: LoadedValue] { try fixture.stateDict(prefix: prefix) }
    private func check(_ key: String, _ actual: Tensor, line: UInt = #line) throws { try fixture.check(key, actual, line: line) }
    private func check(_ key: String, _ actual: [Float], line: UInt = #line) throws { try fixture.check(key, actual, line: line) }
}
