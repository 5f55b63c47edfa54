import Foundation
import WGANTensorBoard
import XCTest

/// `wgan train` writes TensorBoard event files whose records parse, CRCs checked, with the
/// expected tags; a resumed run adds a file; `--no-tensorboard` writes none.
final class TensorBoardCommandTests: XCTestCase {
    /// The event files in `run/tensorboard`, in name order.
    private func eventFiles(_ run: URL) throws -> [URL] {
        let folder = run.appendingPathComponent("tensorboard")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { folder.appendingPathComponent($0) }
    }

    /// Every summary value in `events`, as (step, tag, value).
    private func values(_ events: [TensorBoardEvent]) -> [(step: Int64, tag: String, content: SummaryValue.Content)] {
        events.flatMap { event -> [(step: Int64, tag: String, content: SummaryValue.Content)] in
            guard case .summary(let values) = event.content else { return [] }
            return values.map { (event.step, $0.tag, $0.content) }
        }
    }

    func testTrainingWritesEventsAndAResumeAddsAFile() throws {
        let folder = try temporaryFolder()
        let trained = try wgan(["train"] + quickTraining + ["--epochs", "2", "--log-every", "2", "--diagnostics", "--out", "run"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        let run = folder.appendingPathComponent("run")
        let files = try eventFiles(run)
        XCTAssertEqual(files.count, 1)
        XCTAssertTrue(files[0].lastPathComponent.hasPrefix("events.out.tfevents."), files[0].path)
        let events = try EventFileWriter.events(at: files[0])
        XCTAssertEqual(events.first?.content, .fileVersion("brain.Event:2"))
        let written = values(events)
        let tags = Set(written.map(\.tag))
        for tag in ["loss/critic", "loss/generator", "loss/gradient_penalty", "loss/wasserstein_estimate", "time/seconds_per_epoch",
                    "time/steps_per_second", "optimizer/lr_critic", "optimizer/lr_generator", "progress/epoch",
                    "loss_per_step/critic", "loss_per_step/generator", "samples/fixed_noise", "critic_weights/linear3.weight",
                    "critic_grad_norm/linear3.weight"] {
            XCTAssertTrue(tags.contains(tag), "\(tag) not in \(tags.sorted())")
        }
        // The epochs' means at their last steps, as log.jsonl has them.
        let log = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.filter { $0["epoch"] != nil }
        let critic = written.filter { $0.tag == "loss/critic" }
        XCTAssertEqual(critic.map(\.step), [3, 6])
        XCTAssertEqual(critic.map(\.content), log.map { .scalar(Float($0["D_loss"] as? Double ?? .nan)) })
        let images = written.filter { $0.tag == "samples/fixed_noise" }
        XCTAssertEqual(images.map(\.step), [3, 6])
        if case .image(let image) = images.first?.content {
            XCTAssertEqual([image.width, image.height, image.colorspace], [152, 152, 3])  // torchvision's grids are RGB
            XCTAssertEqual(image.png, Array(try Data(contentsOf: run.appendingPathComponent("samples/fixed_ep1.png"))))
        } else {
            XCTFail("samples/fixed_noise holds no image")
        }
        XCTAssertEqual(written.filter { $0.tag == "loss_per_step/critic" }.map(\.step), [2, 4, 6])

        // A resumed run writes a new file, beginning with a restart one step after its checkpoint.
        let resumed = try wgan(["train", "--resume", "run", "--epochs", "3"], in: folder)
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        let after = try eventFiles(run)
        XCTAssertEqual(after.count, 2)
        let second = try EventFileWriter.events(at: try XCTUnwrap(after.first { $0 != files[0] }))
        XCTAssertEqual(second.prefix(2).map(\.content), [.fileVersion("brain.Event:2"), .sessionStart])
        XCTAssertEqual(second.dropFirst().first?.step, 7)
        XCTAssertEqual(values(second).filter { $0.tag == "loss/critic" }.map(\.step), [9])
    }

    func testAToyRunWritesItsFramesAndCoverage() throws {
        let folder = try temporaryFolder()
        let tiny = ["--dim", "8", "--batch-size", "16", "--iterations", "2", "--frame-every", "1", "--threads", "1"]
        let trained = try wgan(["train", "--dataset", "8gaussians"] + tiny + ["--out", "run"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        let written = values(try EventFileWriter.events(at: try XCTUnwrap(try eventFiles(folder.appendingPathComponent("run")).first)))
        XCTAssertEqual(written.filter { $0.tag == "samples/frame" }.map(\.step), [1, 2])
        XCTAssertEqual(written.filter { $0.tag == "toy/modes_covered" }.map(\.step), [1, 2])
        XCTAssertEqual(written.filter { $0.tag == "loss/wasserstein_estimate" }.count, 2)
    }

    func testNoTensorBoardWritesNone() throws {
        let folder = try temporaryFolder()
        let trained = try wgan(["train"] + quickTraining + ["--epochs", "1", "--no-tensorboard", "--out", "run"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        let run = folder.appendingPathComponent("run")
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("samples/fixed_ep1.png").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("tensorboard").path))
        let config = try String(contentsOf: run.appendingPathComponent("config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"tensorboard\" : false"), config)
    }
}
