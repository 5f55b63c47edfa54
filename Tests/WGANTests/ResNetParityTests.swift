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

    /// The number of keys under `uncond.` in the tolerance file: 22 after.D and 57 after.G
    /// (buffers included), 6 values of each critic step, 22 critic gradients, 36 generator
    /// gradients and the generator's loss.
    private let unconditionalKeys = 150

    func testTheUnconditionalModelMatchesPyTorch() throws {
        try runUnconditional(threads: 1)
        fixture.assertEveryToleranceChecked { $0.hasPrefix("uncond.") }
        XCTAssertEqual(fixture.checked.count, unconditionalKeys)
        report()
    }

    func testTheUnconditionalModelMatchesPyTorchOnTwoThreads() throws {
        try runUnconditional(threads: 2)
        fixture.assertEveryToleranceChecked { $0.hasPrefix("uncond.") }
        XCTAssertEqual(fixture.checked.count, unconditionalKeys)
    }

    /// The number of keys under `cond.`: those of `uncond.` with the conditional norms' scale and
    /// offset for the BatchNorms' weight and bias, and the AC-GAN head's parameters, gradients,
    /// logits and losses.
    private let conditionalKeys = 159

    func testTheConditionalModelMatchesPyTorch() throws {
        try runConditional(threads: 1)
        fixture.assertEveryToleranceChecked { $0.hasPrefix("cond.") }
        XCTAssertEqual(fixture.checked.count, conditionalKeys)
        report()
    }

    func testTheConditionalModelMatchesPyTorchOnTwoThreads() throws {
        try runConditional(threads: 2)
        fixture.assertEveryToleranceChecked { $0.hasPrefix("cond.") }
        XCTAssertEqual(fixture.checked.count, conditionalKeys)
    }

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

    private func runUnconditional(threads: Int) throws {
        Parallel.threads = threads
        let prefix = "uncond."
        var rng = RandomGenerator(seed: 0)
        let generator = CIFARResNetGenerator(width: 16, latentDimension: 128, using: &rng)
        let critic = CIFARResNetCritic(width: 16, using: &rng)
        try generator.loadStateDict(fixture.stateDict(prefix: "\(prefix)init.G."), strict: true)
        try critic.loadStateDict(fixture.stateDict(prefix: "\(prefix)init.D."), strict: true)
        let (criticRate, generatorRate) = LearningRateDecay.linear.factors(completedGeneratorSteps: 3, of: 10)
        let betas: (Float, Float) = (0, 0.9)
        let step = try WGANGPStep(generator: generator, critic: critic,
                                  generatorOptimizer: Adam(parameters: generator.parameters, learningRate: Float(2e-4 * generatorRate), betas: betas),
                                  criticOptimizer: Adam(parameters: critic.parameters, learningRate: Float(2e-4 * criticRate), betas: betas),
                                  lambda: 10, penaltyNorm: .sample, interpolation: .official)
        func check(_ key: String, _ value: Tensor) throws { try fixture.check(prefix + key, value) }
        for s in 0..<2 {
            let key = "critic\(s)"
            let (real, z, alpha) = (try fixture.tensor("\(prefix)\(key).real"), try fixture.tensor("\(prefix)\(key).z"),
                                    try fixture.tensor("\(prefix)\(key).alpha"))
            let result = step.criticStep(real: real, z: z, alpha: alpha.reshaped([-1, 1]))
            try check("\(key).fake", result.fake)
            try check("\(key).d_real", result.criticReal)
            try check("\(key).d_fake", result.criticFake)
            try check("\(key).input_grad", try XCTUnwrap(result.inputGradient))
            try check("\(key).gp", Tensor([result.penalty], shape: [1]))
            try check("\(key).loss", Tensor([result.loss], shape: [1]))
            if s == 0 {
                for ((name, _), gradient) in zip(critic.namedParameters, result.criticGradients) {
                    try check("\(key).grad.D.\(name)", gradient)
                }
            }
        }
        let loss = step.generatorStep(z: try fixture.tensor("\(prefix)generator0.z"))
        try check("generator0.loss", Tensor([loss], shape: [1]))
        for (name, parameter) in generator.namedParameters {
            try check("generator0.grad.G.\(name)", try XCTUnwrap(parameter.grad))
        }
        try checkAfter(prefix, generator, critic)
    }

    private func runConditional(threads: Int) throws {
        Parallel.threads = threads
        let prefix = "cond."
        var rng = RandomGenerator(seed: 0)
        let generator = CIFARResNetGenerator(width: 16, latentDimension: 128, classes: 10, using: &rng)
        let critic = CIFARResNetCritic(width: 16, classes: 10, using: &rng)
        try generator.loadStateDict(fixture.stateDict(prefix: "\(prefix)init.G."), strict: true)
        try critic.loadStateDict(fixture.stateDict(prefix: "\(prefix)init.D."), strict: true)
        let (criticRate, generatorRate) = LearningRateDecay.linear.factors(completedGeneratorSteps: 3, of: 10)
        let betas: (Float, Float) = (0, 0.9)
        let step = ACWGANGPStep(generator: generator, critic: critic,
                                generatorOptimizer: Adam(parameters: generator.parameters, learningRate: Float(2e-4 * generatorRate), betas: betas),
                                criticOptimizer: Adam(parameters: critic.parameters, learningRate: Float(2e-4 * criticRate), betas: betas))
        func check(_ key: String, _ value: Tensor) throws { try fixture.check(prefix + key, value) }
        func labels(_ key: String) throws -> [Int] { try fixture.file.int64s(prefix + key).map { Int($0) } }
        for s in 0..<2 {
            let key = "critic\(s)"
            let (real, z, alpha) = (try fixture.tensor("\(prefix)\(key).real"), try fixture.tensor("\(prefix)\(key).z"),
                                    try fixture.tensor("\(prefix)\(key).alpha"))
            let conditional = step.criticStep(real: real, labels: try labels("\(key).labels"), z: z, alpha: alpha.reshaped([-1, 1]))
            let result = conditional.critic
            try check("\(key).fake", result.fake)
            try check("\(key).d_real", result.criticReal)
            try check("\(key).d_fake", result.criticFake)
            try check("\(key).input_grad", try XCTUnwrap(result.inputGradient))
            try check("\(key).gp", Tensor([result.penalty], shape: [1]))
            try check("\(key).loss", Tensor([result.loss], shape: [1]))
            try check("\(key).acgan_loss", Tensor([conditional.acganLoss], shape: [1]))
            try check("\(key).acgan_logits_real", conditional.realLogits)
            if s == 0 {
                for ((name, _), gradient) in zip(critic.namedParameters, result.criticGradients) {
                    try check("\(key).grad.D.\(name)", gradient)
                }
            }
        }
        let (loss, acgan) = step.generatorStep(z: try fixture.tensor("\(prefix)generator0.z"), labels: try labels("generator0.labels"))
        try check("generator0.loss", Tensor([loss], shape: [1]))
        try check("generator0.acgan_loss", Tensor([acgan], shape: [1]))
        for (name, parameter) in generator.namedParameters {
            try check("generator0.grad.G.\(name)", try XCTUnwrap(parameter.grad))
        }
        try checkAfter(prefix, generator, critic)
    }

    /// Every parameter and buffer after the three steps.
    private func checkAfter(_ prefix: String, _ generator: Module, _ critic: Module) throws {
        for (role, module) in [("G", generator), ("D", critic)] {
            for (name, value) in module.stateDict {
                switch value {
                case .tensor(let tensor): try fixture.check("\(prefix)after.\(role).\(name)", tensor)
                case .integer(let counter): try fixture.check("\(prefix)after.\(role).\(name)", [Float(counter.value)])
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
