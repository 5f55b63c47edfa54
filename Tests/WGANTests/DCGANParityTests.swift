import Foundation
import WGANEngine
import WGANModels
import WGANNN
import WGANOptim
import XCTest

/// Two critic steps and one generator step of the paper's MNIST model (width 16, batch 12)
/// against PyTorch's values (`../shared/fixtures/dcgan_steps.safetensors`, float64 results from
/// float32 starting values), each within its bound in `dcgan_steps_tolerances.json`; and the
/// original WGAN's clipping step from the same start (`clip0.*`). Every key is checked.
final class DCGANParityTests: XCTestCase {
    private var fixture: PyTorchFixture!

    override func setUpWithError() throws {
        fixture = try PyTorchFixture("dcgan_steps")
    }

    func testTwoCriticStepsAndAGeneratorStepMatchPyTorch() throws {
        try runSteps(fast: true)
        fixture.assertEveryToleranceChecked { !$0.hasPrefix("clip0.") }
        XCTAssertEqual(fixture.checked.count, 45)
    }

    /// The plain critic step (one loss, one gradient call) meets the same bounds.
    func testThePlainCriticStepMatchesPyTorchToo() throws {
        try runSteps(fast: false)
        fixture.assertEveryToleranceChecked { !$0.hasPrefix("clip0.") }
    }

    func testTwoThreadsMatchPyTorch() throws {
        let saved = Parallel.threads
        Parallel.threads = 2
        defer { Parallel.threads = saved }
        try runSteps(fast: true)
        fixture.assertEveryToleranceChecked { !$0.hasPrefix("clip0.") }
    }

    /// WGAN with weight clipping: loss mean D(fake) − mean D(real), RMSprop(5e-5, α 0.99, eps
    /// 1e-8), then every critic parameter clamped to [−0.01, 0.01]. The fixture's clipping step
    /// restarts the critic from `init.D` but keeps the generator the WGAN-GP steps left
    /// (`after.G`): with `init.G` the loss differs by 1% (checked against PyTorch in float64).
    func testTheClippingBaselineStepMatchesPyTorch() throws {
        let (generator, critic) = try startingModels()
        try generator.loadStateDict(fixture.stateDict(prefix: "after.G."), strict: true)
        let step = WGANClippingStep(generator: generator, critic: critic,
                                    generatorOptimizer: RMSprop(parameters: generator.parameters, learningRate: 5e-5),
                                    criticOptimizer: RMSprop(parameters: critic.parameters, learningRate: 5e-5), clip: 0.01)
        let result = step.criticStep(real: try fixture.tensor("critic0.real"), z: try fixture.tensor("critic0.z"),
                                     alpha: try fixture.tensor("critic0.alpha"))
        XCTAssertNil(result.inputGradient)
        XCTAssertEqual(result.penalty, 0)
        try fixture.check("clip0.loss", [result.loss])
        for (name, parameter) in critic.namedParameters {
            try fixture.check("clip0.after.D.\(name)", parameter)
            XCTAssertLessThanOrEqual(parameter.scalars.map(abs).max() ?? 0, 0.01, name)
        }
        fixture.assertEveryToleranceChecked { $0.hasPrefix("clip0.") }
        XCTAssertEqual(fixture.checked.count, 9)
    }

    /// The fixture's starting models at width 16.
    private func startingModels() throws -> (MNISTDCGANGenerator, MNISTDCGANCritic) {
        var rng = RandomGenerator(seed: 0)
        let generator = MNISTDCGANGenerator(width: 16, latentDimension: 128, using: &rng)
        let critic = MNISTDCGANCritic(width: 16, using: &rng)
        try generator.loadStateDict(fixture.stateDict(prefix: "init.G."), strict: true)
        try critic.loadStateDict(fixture.stateDict(prefix: "init.D."), strict: true)
        return (generator, critic)
    }

    private func runSteps(fast: Bool) throws {
        let (generator, critic) = try startingModels()
        let betas: (Float, Float) = (0.5, 0.9)
        let step = try WGANGPStep(generator: generator, critic: critic,
                                  generatorOptimizer: Adam(parameters: generator.parameters, learningRate: 1e-4, betas: betas),
                                  criticOptimizer: Adam(parameters: critic.parameters, learningRate: 1e-4, betas: betas),
                                  lambda: 10, penaltyNorm: .sample, interpolation: .official)
        for s in 0..<2 {
            let key = "critic\(s)"
            let (real, z, alpha) = (try fixture.tensor("\(key).real"), try fixture.tensor("\(key).z"), try fixture.tensor("\(key).alpha"))
            let result = fast ? step.criticStep(real: real, z: z, alpha: alpha) : step.plainCriticStep(real: real, z: z, alpha: alpha)
            try fixture.check("\(key).fake", result.fake)
            try fixture.check("\(key).d_real", result.criticReal)
            try fixture.check("\(key).d_fake", result.criticFake)
            try fixture.check("\(key).input_grad", try XCTUnwrap(result.inputGradient))
            try fixture.check("\(key).gp", [result.penalty])
            try fixture.check("\(key).loss", [result.loss])
            if s == 0 {
                for ((name, _), gradient) in zip(critic.namedParameters, result.criticGradients) {
                    try fixture.check("\(key).grad.D.\(name)", gradient)
                }
            }
        }
        let loss = step.generatorStep(z: try fixture.tensor("generator0.z"))
        try fixture.check("generator0.loss", [loss])
        for (name, parameter) in generator.namedParameters {
            try fixture.check("generator0.grad.G.\(name)", try XCTUnwrap(parameter.grad))
        }
        for (prefix, module) in [("G", generator as Module), ("D", critic)] {
            for (name, parameter) in module.namedParameters { try fixture.check("after.\(prefix).\(name)", parameter) }
        }
    }
}
