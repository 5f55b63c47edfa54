import Foundation
import WGAN
import WGANEngine
import WGANModels
import WGANOptim
import XCTest

/// `--loss gan` and `--loss lsgan`: the paper's baselines, with the official code's losses and
/// settings, trained and resumed like any run.
final class BaselineLossTests: XCTestCase {
    private let real = Tensor([0.3, -1.2], shape: [2, 1]), fake = Tensor([2.0, -0.5], shape: [2, 1])

    /// The values and gradients worked out by hand from the official definitions (float64): for the
    /// cross-entropy, −½ · sigmoid(−x) / n for the real rows and ½ · sigmoid(x) / n for the fake ones,
    /// and the non-saturating generator loss (cross-entropy of fake → 1).
    func testTheLossesAreTheOfficialOnes() {
        let cases: [(DiscriminatorObjective, loss: Double, real: [Double], fake: [Double], generator: Double)] = [
            (.crossEntropy, 1.15466068, [-0.10638937, -0.19213120], [0.22019927, 0.09438517], 0.55050250),
            (.leastSquares, 2.395, [-0.35, -1.1], [1.0, -0.25], 1.625),
        ]
        for (objective, loss, realGradient, fakeGradient, generatorLoss) in cases {
            let (r, f) = (real.requiringGrad(), fake.requiringGrad())
            let value = objective.discriminatorLoss(real: r, fake: f)
            XCTAssertEqual(Double(value.item), loss, accuracy: 1e-6, objective.rawValue)
            let grads = gradients(of: value, withRespectTo: [r, f])
            assertElementsEqual(grads[0].scalars, realGradient)
            assertElementsEqual(grads[1].scalars, fakeGradient)
            XCTAssertEqual(Double(objective.generatorLoss(fake: fake).item), generatorLoss, accuracy: 1e-6, objective.rawValue)
        }
    }

    func testEachBaselineTrainsWithItsOwnSettingsAndResumes() throws {
        for (loss, optimizer, rate, betas) in [("gan", "Adam", 2e-4, (0.5, 0.999)), ("lsgan", "RMSprop", 1e-4, (0.5, 0.999))] {
            let folder = try temporaryFolder().appendingPathComponent("run")
            var options = QuickRun.options(maxSteps: 2)
            options.loss = loss
            if loss == "lsgan" { (options.beta1, options.beta2) = (0.5, 0.999) }  // given: kept, though RMSprop has no betas
            var first: Trainer! = try QuickRun.start(options, in: folder)
            XCTAssertEqual(first.config.criticSteps, 1, loss)
            XCTAssertEqual(first.config.criticLearningRate, rate, loss)
            XCTAssertEqual(first.config.generatorLearningRate, rate, loss)
            XCTAssertEqual(first.config.beta1, betas.0, loss)
            XCTAssertEqual(first.config.beta2, betas.1, loss)
            XCTAssertEqual((first.models.step as? StandardGANStep)?.objective.rawValue, loss)
            XCTAssertEqual("\(type(of: first.models.criticOptimizer))", optimizer, loss)
            XCTAssertEqual("\(type(of: first.models.generatorOptimizer))", optimizer, loss)
            XCTAssertEqual(try first.train(stopRequested: { false }), .reachedMaxSteps)
            first = nil
            var more = TrainingOptions()
            more.maxSteps = 3
            var resumed: Trainer! = try QuickRun.resume(folder, more)
            XCTAssertEqual(resumed.config.loss, loss)
            XCTAssertEqual(try resumed.train(stopRequested: { false }), .reachedMaxSteps)
            resumed = nil
            let log = try String(contentsOf: folder.appendingPathComponent("log.jsonl"), encoding: .utf8)
            XCTAssertTrue(log.contains("\"D_loss\""), loss)
        }
    }

    func testFlagsOverrideALossesDefaultsAndUnknownLossesAreNamed() throws {
        var options = QuickRun.options(maxSteps: 1)
        options.loss = "gan"
        options.criticLearningRate = 1e-3
        options.criticSteps = 2
        options.beta1 = 0
        let config = try options.freshConfig()
        XCTAssertEqual(config.criticLearningRate, 1e-3)
        XCTAssertEqual(config.generatorLearningRate, 2e-4, "not given: the loss's own")
        XCTAssertEqual(config.criticSteps, 2)
        XCTAssertEqual(config.beta1, 0)
        XCTAssertEqual(config.beta2, 0.999)
        options.loss = "hinge"
        assertTrainingError("unknown --loss 'hinge' (expected gp, clip, gan or lsgan)") { try options.freshConfig() }
        options.loss = "gan"
        options.conditional = true
        options.model = "cifar-resnet"
        assertTrainingError("--conditional trains with the gradient penalty (AC-WGAN-GP), not --loss gan") { try options.freshConfig() }
    }

    private func assertElementsEqual(_ values: [Float], _ expected: [Double], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(values.count, expected.count, file: file, line: line)
        for (value, wanted) in zip(values, expected) { XCTAssertEqual(Double(value), wanted, accuracy: 1e-6, file: file, line: line) }
    }
}
