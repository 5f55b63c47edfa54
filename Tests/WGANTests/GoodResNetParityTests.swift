import Foundation
import WGANEngine
import WGANModels
import WGANNN
import WGANOptim
import XCTest

/// `--model good-resnet` (gan_64x64.py's GoodGenerator and GoodDiscriminator, width 4, batch 4)
/// against this repository's own PyTorch port (`bench/torch_good_resnet.py --fixture`, float64
/// results from float32 starting values, `Tests/WGANTests/Fixtures/good_resnet_steps*`): two
/// WGAN-GP critic steps and a generator step with Adam(1e-4, β (0, 0.9)), every parameter and
/// buffer after them within its bound.
final class GoodResNetParityTests: XCTestCase {
    override func tearDown() { Parallel.threads = 1 }

    func testOneAndTwoThreadsMatchPyTorch() throws {
        for threads in [1, 2] {
            let fixture = try PyTorchFixture("good_resnet_steps", in: PyTorchFixture.ownFolder)
            try runSteps(fixture, threads: threads)
            fixture.assertEveryToleranceChecked()
            XCTAssertEqual(fixture.checked.count, 114, "5 step values, 42 critic and 67 generator entries after the steps")
        }
    }

    private func runSteps(_ fixture: PyTorchFixture, threads: Int) throws {
        Parallel.threads = threads
        var rng = RandomGenerator(seed: 0)
        let generator = GoodResNetGenerator(width: 4, using: &rng), critic = GoodResNetCritic(width: 4, using: &rng)
        try generator.loadStateDict(fixture.stateDict(prefix: "init.G."), strict: true)
        try critic.loadStateDict(fixture.stateDict(prefix: "init.D."), strict: true)
        let adam = { (module: Module) in Adam(parameters: module.parameters, learningRate: 1e-4, betas: (0, 0.9)) }
        let step = try WGANGPStep(generator: generator, critic: critic, generatorOptimizer: adam(generator), criticOptimizer: adam(critic),
                                  lambda: 10, penaltyNorm: .sample, interpolation: .official)
        func checkState(_ role: String, _ module: Module) throws {
            for (name, value) in module.stateDict {
                switch value {
                case .tensor(let tensor): try fixture.check("after.\(role).\(name)", tensor)
                case .integer(let counter): try fixture.check("after.\(role).\(name)", [Float(counter.value)])
                }
            }
        }
        for s in 0..<2 {
            let result = step.criticStep(real: try fixture.tensor("critic\(s).real"), z: try fixture.tensor("critic\(s).z"),
                                         alpha: try fixture.tensor("critic\(s).alpha"))
            try fixture.check("critic\(s).loss", [result.loss])
            try fixture.check("critic\(s).gp", [result.penalty])
        }
        try checkState("D", critic)
        try fixture.check("generator.loss", [step.generatorStep(z: try fixture.tensor("generator.z"))])
        try checkState("G", generator)
    }
}
