import Foundation
@testable import WGAN
import WGANFiles
import XCTest

/// `--tensorboard`: the switch, the tags of log.jsonl's numbers, and a failed write as a warning.
final class TrainingBoardTests: XCTestCase {
    func testTheSwitchIsOnByDefaultAndNoTurnsItOff() throws {
        XCTAssertTrue(try TrainingOptions(arguments: []).freshConfig().tensorboard)
        XCTAssertFalse(try TrainingOptions(arguments: ["--no-tensorboard"]).freshConfig().tensorboard)
        XCTAssertFalse(try TrainingOptions(arguments: ["--tensorboard", "false", "--epochs", "2"]).freshConfig().tensorboard)
        XCTAssertTrue(try TrainingOptions(arguments: ["--no-tensorboard", "--tensorboard"]).freshConfig().tensorboard)
        XCTAssertFalse(try TrainingOptions(arguments: ["--no-diagnostics"]).freshConfig().diagnostics)
        XCTAssertThrowsError(try TrainingOptions(arguments: ["--no-epochs"])) { XCTAssertEqual("\($0)", "unknown option '--no-epochs'") }
        // A resumed run may turn it off (or on).
        var saved = TrainingConfig()
        saved.epochs = 1
        XCTAssertFalse(try TrainingOptions(arguments: ["--no-tensorboard"]).resumedConfig(saved: saved).tensorboard)
    }

    func testEveryNumberOfALogLineIsAScalar() throws {
        let line = try XCTUnwrap(JSONParser.parse(Array("""
            {"D_loss": -2, "G_loss": 1.5, "gp": 0.1, "epoch": 1, "seconds": 2, "step": 3, "partial": true,
             "critic_grad_norms": {"b.weight": 0.5, "a.bias": 0.25}, "classes": [1, 2], "new_metric": 7, "fid": "nan"}
            """.utf8)).dictionary)
        let scalars = TrainingBoard.scalars(of: line, perStep: false, lambda: 10).map { value -> String in
            guard case .scalar(let number) = value.content else { return "\(value.tag) not a scalar" }
            return "\(value.tag)=\(number)"
        }
        XCTAssertEqual(scalars, ["loss/critic=-2.0", "loss/generator=1.5", "critic_grad_norm/a.bias=0.25", "critic_grad_norm/b.weight=0.5",
                                 "progress/epoch=1.0", "loss/gradient_penalty=0.1", "log/new_metric=7.0", "time/seconds_per_epoch=2.0",
                                 "loss/wasserstein_estimate=3.0"])
        let perStep = TrainingBoard.scalars(of: ["D_loss": .integer(-2), "gp": .integer(0)], perStep: true, lambda: nil).map(\.tag)
        XCTAssertEqual(perStep, ["loss_per_step/critic", "loss_per_step/gradient_penalty", "loss_per_step/wasserstein_estimate"])
        let discriminator = TrainingBoard.scalars(of: ["D_loss": .integer(1), "gp": .integer(0)], perStep: false, lambda: nil,
                                                  estimatesWasserstein: false).map(\.tag)
        XCTAssertEqual(discriminator, ["loss/critic", "loss/gradient_penalty"], "a GAN's discriminator estimates no distance")
    }

    func testAFailedWriteIsOneWarning() throws {
        var warnings: [String] = []
        let board = TrainingBoard(folder: URL(fileURLWithPath: "/dev/null/tensorboard"), config: TrainingConfig(), resumedAt: nil,
                                  warn: { warnings.append($0) })
        board.record(TrainingLog.StepEntry(step: 1, criticLoss: 1, generatorLoss: 2, penalty: 0), step: 1, perStep: true)
        board.record(TrainingLog.StepEntry(step: 2, criticLoss: 1, generatorLoss: 2, penalty: 0), step: 2, perStep: true)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings.first?.hasPrefix("TensorBoard events are not written for the rest of this session: ") == true,
                      warnings.first ?? "")
        XCTAssertTrue(warnings.first?.contains("/dev/null") == true, warnings.first ?? "")
    }
}
