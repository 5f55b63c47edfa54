import Foundation
import TensorFormats
import WGAN
import WGANModels
import WGANOptim
import XCTest

/// `--loss clip`: the original WGAN, trained and resumed like any run.
final class ClippingTrainingTests: XCTestCase {
    func testClippingRunsKeepTheCriticInsideTheBoundAndResume() throws {
        let folder = try temporaryFolder().appendingPathComponent("run")
        var options = QuickRun.options(maxSteps: 1)
        options.loss = "clip"
        options.clip = 0.02
        var first: Trainer! = try QuickRun.start(options, in: folder)
        XCTAssertEqual(first.config.criticSteps, 5, "clipping's own defaults")
        XCTAssertEqual(first.config.criticLearningRate, 5e-5)
        XCTAssertEqual(first.config.generatorLearningRate, 5e-5)
        XCTAssertTrue(first.models.step is WGANClippingStep)
        XCTAssertTrue(first.models.criticOptimizer is RMSprop)
        XCTAssertEqual(try first.train(stopRequested: { false }), .reachedMaxSteps)
        let critic = try SafeTensors(contentsOf: first.run.criticURL)
        for name in critic.names {
            XCTAssertLessThanOrEqual(try critic.floats(name).map(abs).max() ?? 0, 0.02, name)
        }
        let state = try SafeTensors(contentsOf: first.run.trainingStateURL)
        XCTAssertTrue(state.names.contains { $0.hasPrefix("optimizer.critic.square_avg") }, "RMSprop's state is saved")
        first = nil

        var more = TrainingOptions()
        more.maxSteps = 2
        var resumed: Trainer! = try QuickRun.resume(folder, more)
        XCTAssertEqual(resumed.config.trainingLoss, .clipping)
        XCTAssertEqual(try resumed.train(stopRequested: { false }), .reachedMaxSteps)
        resumed = nil
        var changed = TrainingOptions()
        changed.loss = "gp"
        assertTrainingError("--loss cannot be changed when resuming: the run was trained with --loss clip") {
            try QuickRun.resume(folder, changed)
        }
    }
}
