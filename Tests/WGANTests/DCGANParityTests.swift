import Foundation
import WGANEngine
import WGANModels
import WGANNN
import WGANOptim
import XCTest

/// Two critic steps and one generator step of the paper's MNIST model (width 16, batch 12)
/// against PyTorch's values (`../shared/fixtures/dcgan_steps.safetensors`, float64 results from
/// float32 starting values), each within its bound in `dcgan_steps_tolerances.json`. Every key
/// is checked but the clipping baseline's (`clip0.*`, WGAN's weight clipping, not WGAN-GP).
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

    private func runSteps(fast: Bool) throws {
        var rng = RandomGenerator(seed: 0)
        let generator = MNISTDCGANGenerator(width: 16, latentDimension: 128, using: &rng)
        let critic = MNISTDCGANCritic(width: 16, using: &rng)
        try generator.loadStateDict(fixture.stateDict(prefix: "init.G."), strict: true)
        try critic.loadStateDict(fixture.stateDict(prefix: "init.D."), strict: true)
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
            try fixture.check("\(key).input_grad", result.inputGradient)
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
