import Foundation
import WGANEngine
import WGANModels
import WGANNN
import WGANOptim
import XCTest

/// The paper's CIFAR-10 ResNet (width 16, critic batch 8, generator batch 16) against PyTorch
/// (`../shared/fixtures/resnet_steps.safetensors`, float64 results from float32 starting values):
/// two critic steps at iteration 3 of 10 and one generator step at iteration 4, Adam(β (0, 0.9))
/// with the official linear decay of 2e-4, every key within its bound in
/// `resnet_steps_tolerances.json`.
final class ResNetParityTests: XCTestCase {
    private var fixture: PyTorchFixture!

    override func setUpWithError() throws {
        fixture = try PyTorchFixture("resnet_steps")
    }

    override func tearDown() { Parallel.threads = 1 }

    /// The keys under `uncond.` in the tolerance file: 22 after.D and 57 after.G (buffers
    /// included), 6 values of each critic step, 22 critic gradients, 36 generator gradients and
    /// the generator's loss.
    func testTheUnconditionalModelMatchesPyTorch() throws { try assertMatchesPyTorch("uncond.", keys: 150, threads: 1) }

    func testTheUnconditionalModelMatchesPyTorchOnTwoThreads() throws { try assertMatchesPyTorch("uncond.", keys: 150, threads: 2) }

    /// The keys under `cond.`: those of `uncond.` with the conditional norms' scale and offset for
    /// the BatchNorms' weight and bias, and the AC-GAN head's parameters, gradients, logits and losses.
    func testTheConditionalModelMatchesPyTorch() throws { try assertMatchesPyTorch("cond.", keys: 159, threads: 1) }

    func testTheConditionalModelMatchesPyTorchOnTwoThreads() throws { try assertMatchesPyTorch("cond.", keys: 159, threads: 2) }

    /// The official schedule: the critic steps of iteration 3 of 10 at 1.4e-4, the generator step
    /// that follows (the official iteration 4's) at 1.2e-4.
    func testTheDecayGivesTheFixturesRates() {
        let (critic, generator) = LearningRateDecay.linear.factors(completedGeneratorSteps: 3, of: 10)
        XCTAssertEqual(2e-4 * critic, 1.4e-4, accuracy: 1e-12)
        XCTAssertEqual(2e-4 * generator, 1.2e-4, accuracy: 1e-12)
        XCTAssertEqual(LearningRateDecay.linear.factor(iteration: 10, of: 10), 0)
        XCTAssertEqual(LearningRateDecay.linear.factor(iteration: 12, of: 10), 0)
        XCTAssertEqual(LearningRateDecay.none.factors(completedGeneratorSteps: 3, of: 10).generator, 1)
    }

    /// Runs the fixture's steps for one variant and checks that every key of it was compared.
    private func assertMatchesPyTorch(_ prefix: String, keys: Int, threads: Int) throws {
        try runSteps(prefix, classes: prefix == "cond." ? 10 : 0, threads: threads)
        fixture.assertEveryToleranceChecked { $0.hasPrefix(prefix) }
        XCTAssertEqual(fixture.checked.count, keys)
        if threads == 1 { report() }
    }

    /// Loads `init.G`/`init.D`, takes two critic steps at 1.4e-4 and a generator step at 1.2e-4
    /// (the plain WGAN-GP step, or the AC-WGAN-GP step with classes), checking each value.
    private func runSteps(_ prefix: String, classes: Int, threads: Int) throws {
        Parallel.threads = threads
        var rng = RandomGenerator(seed: 0)
        let generator = CIFARResNetGenerator(width: 16, latentDimension: 128, classes: classes, using: &rng)
        let critic = CIFARResNetCritic(width: 16, classes: classes, using: &rng)
        try generator.loadStateDict(fixture.stateDict(prefix: "\(prefix)init.G."), strict: true)
        try critic.loadStateDict(fixture.stateDict(prefix: "\(prefix)init.D."), strict: true)
        let (criticRate, generatorRate) = LearningRateDecay.linear.factors(completedGeneratorSteps: 3, of: 10)
        let betas: (Float, Float) = (0, 0.9)
        let (generatorOptimizer, criticOptimizer) = (Adam(parameters: generator.parameters, learningRate: Float(2e-4 * generatorRate), betas: betas),
                                                     Adam(parameters: critic.parameters, learningRate: Float(2e-4 * criticRate), betas: betas))
        let conditional = classes == 0 ? nil : ACWGANGPStep(generator: generator, critic: critic, generatorOptimizer: generatorOptimizer,
                                                            criticOptimizer: criticOptimizer)
        let plain = classes != 0 ? nil : try WGANGPStep(generator: generator, critic: critic, generatorOptimizer: generatorOptimizer,
                                                        criticOptimizer: criticOptimizer, lambda: 10, penaltyNorm: .sample,
                                                        interpolation: .official)
        func check(_ key: String, _ value: Tensor) throws { try fixture.check(prefix + key, value) }
        func check(_ key: String, _ value: Float) throws { try fixture.check(prefix + key, [value]) }
        func labels(_ key: String) throws -> [Int] { try fixture.file.int64s(prefix + key).map { Int($0) } }
        for s in 0..<2 {
            let key = "critic\(s)"
            let (real, z, alpha) = (try fixture.tensor("\(prefix)\(key).real"), try fixture.tensor("\(prefix)\(key).z"),
                                    try fixture.tensor("\(prefix)\(key).alpha").reshaped([-1, 1]))
            let result: CriticStepResult
            if let conditional {
                let step = conditional.criticStep(real: real, labels: try labels("\(key).labels"), z: z, alpha: alpha)
                try check("\(key).acgan_loss", step.acganLoss)
                try check("\(key).acgan_logits_real", step.realLogits)
                result = step.critic
            } else {
                result = try XCTUnwrap(plain).criticStep(real: real, z: z, alpha: alpha)
            }
            try check("\(key).fake", result.fake)
            try check("\(key).d_real", result.criticReal)
            try check("\(key).d_fake", result.criticFake)
            try check("\(key).input_grad", try XCTUnwrap(result.inputGradient))
            try check("\(key).gp", result.penalty)
            try check("\(key).loss", result.loss)
            if s == 0 {
                for ((name, _), gradient) in zip(critic.namedParameters, result.criticGradients) {
                    try check("\(key).grad.D.\(name)", gradient)
                }
            }
        }
        let z = try fixture.tensor("\(prefix)generator0.z")
        if let conditional {
            let (loss, acgan) = conditional.generatorStep(z: z, labels: try labels("generator0.labels"))
            try check("generator0.loss", loss)
            try check("generator0.acgan_loss", acgan)
        } else {
            try check("generator0.loss", try XCTUnwrap(plain).generatorStep(z: z))
        }
        for (name, parameter) in generator.namedParameters {
            try check("generator0.grad.G.\(name)", try XCTUnwrap(parameter.grad))
        }
        for (role, module) in [("G", generator as Module), ("D", critic)] {
            for (name, value) in module.stateDict {
                switch value {
                case .tensor(let tensor): try check("after.\(role).\(name)", tensor)
                case .integer(let counter): try check("after.\(role).\(name)", Float(counter.value))
                }
            }
        }
    }

    /// Prints the largest error of each group of keys (the name without its layer), for the record.
    private func report() {
        var worst: [String: Double] = [:]
        for (key, error) in fixture.errors {
            let parts = key.split(separator: ".")
            let measure = fixture.tolerances[key]?["rel"] != nil ? "relative" : fixture.tolerances[key]?["abs"] != nil ? "max |a|" : "exact"
            let group = parts.prefix(parts.count > 3 && parts[1] != "after" ? 3 : 2).joined(separator: ".") + " (\(measure))"
            worst[group] = max(worst[group] ?? 0, error)
        }
        for (group, error) in worst.sorted(by: { $0.key < $1.key }) { print("ResNet parity \(group): \(error)") }
    }
}
