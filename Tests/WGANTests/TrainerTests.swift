import Foundation
import TensorFormats
import WGAN
import WGANImage
import WGANModels
import XCTest

/// The training loop end to end on a slice of MNIST: files, checkpoints, resume, divergence.
final class TrainerTests: XCTestCase {
    func testRunWritesSeedCompatibleCheckpointsSamplesAndLogs() throws {
        let folder = try temporaryFolder().appendingPathComponent("run")
        var options = QuickRun.options(epochs: 2)
        options.logEvery = 2
        let console = QuickRun.Console()
        let trainer = try QuickRun.start(options, in: folder, console: console)
        XCTAssertEqual(try trainer.train(stopRequested: { false }), .completed)
        XCTAssertEqual(trainer.progress.step, 6)
        let run = trainer.run

        let generator = try SafeTensors(contentsOf: run.generatorURL)
        XCTAssertEqual(Set(generator.names), Set(trainer.models.generator.stateDict.map(\.name)))
        XCTAssertEqual(generator.names.count, 25)
        XCTAssertEqual(try generator.shape(of: "linear1.weight"), [128, 100])
        XCTAssertEqual(try generator.dtype(of: "linear1.weight"), .f32)
        XCTAssertEqual(try generator.shape(of: "linear5.weight"), [784, 1024])
        XCTAssertEqual(try generator.dtype(of: "bn2.num_batches_tracked"), .i64)
        XCTAssertEqual(try generator.shape(of: "bn2.num_batches_tracked"), [])
        // Two generator passes in training mode per step, as in the seed (G(z) for the critic, then for G).
        XCTAssertEqual(try generator.int64s("bn2.num_batches_tracked"), [12])
        XCTAssertEqual(try generator.floats("linear1.weight"), (trainer.models.generator as! SeedGenerator).linear1.weight.scalars)
        let critic = try SafeTensors(contentsOf: run.criticURL)
        XCTAssertEqual(Set(critic.names), ["linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
                                           "linear3.weight", "linear3.bias"])
        XCTAssertEqual(try critic.shape(of: "linear1.weight"), [512, 784])

        let state = try SafeTensors(contentsOf: run.trainingStateURL)
        XCTAssertEqual(try state.int64s("progress.step"), [6])
        XCTAssertEqual(try state.int64s("progress.epoch"), [2])
        XCTAssertEqual(try state.dtype(of: "random.noise"), .i64)
        XCTAssertEqual(try state.shape(of: "fixed_noise"), [25, 100])
        XCTAssertEqual(try state.floats("optimizer.generator.step"), [6])
        XCTAssertEqual(try TrainingConfig(jsonString: XCTUnwrap(state.metadata["config"])), trainer.config)

        for epoch in 1...2 {
            for url in [run.sampleURL(epoch: epoch), run.fixedSampleURL(epoch: epoch)] {
                let image = try PNGReader.read(from: url.path)
                XCTAssertEqual([image.width, image.height], [152, 152], url.lastPathComponent)  // 5 × (28 + 2) + 2
            }
        }
        let record = try JSONDecoder().decode(RunRecord.self, from: Data(contentsOf: run.configURL))
        XCTAssertEqual(record.settings, trainer.config)
        XCTAssertEqual(record.dataset.images, 96)
        XCTAssertTrue(record.blas.hasPrefix("OpenBLAS"))

        let lines = try String(contentsOf: run.logURL, encoding: .utf8).split(separator: "\n")
        let objects = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(objects.compactMap { $0["epoch"] as? Int }, [1, 2])
        XCTAssertEqual(objects.filter { $0["epoch"] == nil }.compactMap { $0["step"] as? Int }, [2, 4, 6])
        let summaries = console.lines.filter { $0.hasPrefix("total_D_loss:") }
        XCTAssertEqual(summaries.count, 2)
        XCTAssertNotNil(summaries[0].range(of: #"^total_D_loss:-?\d+\.\d{4},total_G_loss:-?\d+\.\d{4},total_gp:\d+\.\d{4}$"#,
                                           options: .regularExpression), summaries[0])
        let firstEpoch = try XCTUnwrap(objects.first { $0["epoch"] as? Int == 1 })
        XCTAssertEqual(summaries[0], String(format: "total_D_loss:%.4f,total_G_loss:%.4f,total_gp:%.4f",
                                            firstEpoch["D_loss"] as! Double, firstEpoch["G_loss"] as! Double,
                                            firstEpoch["gp"] as! Double))
    }

    func testResumedRunEqualsUninterruptedRunBitForBit() throws {
        try assertResumeMatches(criticSteps: nil, firstStop: 2, end: 5)
    }

    func testResumeWithSeveralCriticStepsContinuesTheEpochsPermutation() throws {
        // n_critic 2 on 3 batches per epoch: cycles of 2 and 1 critic steps; stop in the middle of epoch 2.
        try assertResumeMatches(criticSteps: 2, firstStop: 3, end: 5)
    }

    private func assertResumeMatches(criticSteps: Int?, firstStop: Int, end: Int, file: StaticString = #filePath,
                                     line: UInt = #line) throws {
        let root = try temporaryFolder()
        let whole = try QuickRun.start(QuickRun.options(maxSteps: end, criticSteps: criticSteps), in: root.appendingPathComponent("whole"))
        XCTAssertEqual(try whole.train(stopRequested: { false }), .reachedMaxSteps, file: file, line: line)

        let partURL = root.appendingPathComponent("part")
        // In a closure, so that the first trainer and its lock on the folder are gone before the resume.
        let firstProgress = try { () throws -> TrainingProgress in
            let first = try QuickRun.start(QuickRun.options(maxSteps: firstStop, criticSteps: criticSteps), in: partURL)
            XCTAssertEqual(try first.train(stopRequested: { false }), .reachedMaxSteps, file: file, line: line)
            return first.progress
        }()
        XCTAssertGreaterThan(firstProgress.batchPosition, 0, "the first part should stop inside an epoch", file: file, line: line)
        var more = TrainingOptions()
        more.maxSteps = end
        let second = try QuickRun.resume(partURL, more)
        XCTAssertEqual(second.progress, firstProgress, file: file, line: line)
        XCTAssertEqual(try second.train(stopRequested: { false }), .reachedMaxSteps, file: file, line: line)

        for name in ["generator.safetensors", "critic.safetensors"] {
            XCTAssertEqual(try Data(contentsOf: whole.run.checkpointsURL.appendingPathComponent(name)),
                           try Data(contentsOf: second.run.checkpointsURL.appendingPathComponent(name)), name, file: file, line: line)
        }
        XCTAssertEqual(try tensorValues(whole.run.trainingStateURL), try tensorValues(second.run.trainingStateURL), file: file, line: line)
        func withoutTimes(_ url: URL) throws -> [String] {
            try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
                .map { $0.replacingOccurrences(of: #""(training_)?seconds":[^,}]*"#, with: "", options: .regularExpression) }
        }
        XCTAssertEqual(try withoutTimes(whole.run.logURL), try withoutTimes(second.run.logURL), file: file, line: line)
        XCTAssertEqual(try Data(contentsOf: whole.run.sampleURL(epoch: 1)), try Data(contentsOf: second.run.sampleURL(epoch: 1)),
                       file: file, line: line)
    }

    func testStopRequestWritesCheckpointAfterTheCurrentStep() throws {
        let trainer = try QuickRun.start(QuickRun.options(), in: try temporaryFolder().appendingPathComponent("run"))
        var asked = 0
        XCTAssertEqual(try trainer.train(stopRequested: { asked += 1; return asked == 2 }), .interrupted)
        XCTAssertEqual(trainer.progress.step, 2)
        XCTAssertEqual(trainer.checkpointStep, 2)
        XCTAssertEqual(try SafeTensors(contentsOf: trainer.run.trainingStateURL).int64s("progress.step"), [2])
    }

    /// A stop inside an epoch logs the epoch's means so far and draws its grids; a resumed run
    /// drops that line, since the epoch's own line follows.
    func testStopInsideAnEpochLogsItsMeansAndDrawsItsGrids() throws {
        let folder = try temporaryFolder().appendingPathComponent("run")
        let console = QuickRun.Console()
        // The trainer holds the folder's lock; it is let go before the resume below.
        var trainer: Trainer! = try QuickRun.start(QuickRun.options(maxSteps: 2), in: folder, console: console)
        XCTAssertEqual(try trainer.train(stopRequested: { false }), .reachedMaxSteps)
        let lines = try String(contentsOf: trainer.run.logURL, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "\(lines)")
        let entry = try JSONDecoder().decode(TrainingLog.EpochEntry.self, from: Data(lines[0].utf8))
        XCTAssertEqual(entry.epoch, 1)
        XCTAssertEqual(entry.step, 2)
        XCTAssertEqual(entry.partial, true)
        let totals = trainer.progress.totals
        XCTAssertEqual(entry.criticLoss, totals.meanCriticLoss)
        XCTAssertEqual(entry.generatorLoss, totals.meanGeneratorLoss)
        XCTAssertEqual(totals.generatorSteps, 2)
        XCTAssertEqual(console.lines.last, String(format: "total_D_loss:%.4f,total_G_loss:%.4f,total_gp:%.4f (epoch so far)",
                                                  totals.meanCriticLoss, totals.meanGeneratorLoss, totals.meanPenalty))
        for url in [trainer.run.sampleURL(epoch: 1, stoppedAt: 2), trainer.run.fixedSampleURL(epoch: 1, stoppedAt: 2)] {
            let image = try PNGReader.read(from: url.path)
            XCTAssertEqual([image.width, image.height], [152, 152], url.lastPathComponent)
        }
        let logURL = trainer.run.logURL
        trainer = nil

        var more = TrainingOptions()
        more.maxSteps = 3
        XCTAssertEqual(try QuickRun.resume(folder, more).train(stopRequested: { false }), .reachedMaxSteps)
        let resumedLines = try String(contentsOf: logURL, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(resumedLines.count, 1, "\(resumedLines)")
        XCTAssertFalse(resumedLines[0].contains("partial"), String(resumedLines[0]))
        XCTAssertTrue(resumedLines[0].contains(#""epoch":1,"#), String(resumedLines[0]))
    }

    func testNonFiniteLossStopsAndKeepsTheLastGoodCheckpoint() throws {
        let folder = try temporaryFolder().appendingPathComponent("run")
        XCTAssertEqual(try QuickRun.start(QuickRun.options(maxSteps: 2), in: folder).train(stopRequested: { false }), .reachedMaxSteps)
        let run = RunDirectory(url: folder)
        let saved = try [run.generatorURL, run.criticURL, run.trainingStateURL].map { try Data(contentsOf: $0) }

        var more = TrainingOptions()
        more.maxSteps = 6
        let resumed = try QuickRun.resume(folder, more)
        (resumed.models.critic as! SeedCritic).linear1.weight.storage.pointer[0] = .nan
        assertTrainingError("D_loss is NaN at step 3 (epoch 1); the last good checkpoint (step 2) is kept") {
            try resumed.train(stopRequested: { false })
        }
        XCTAssertEqual(try [run.generatorURL, run.criticURL, run.trainingStateURL].map { try Data(contentsOf: $0) }, saved)
    }

    func testCheckpointRefusesNonFiniteWeights() throws {
        let trainer = try QuickRun.start(QuickRun.options(maxSteps: 1), in: try temporaryFolder().appendingPathComponent("run"))
        let before = try Data(contentsOf: trainer.run.generatorURL)
        (trainer.models.generator as! SeedGenerator).bn3.runningVar.storage.pointer[5] = .infinity
        // The loss stays finite (training mode ignores running statistics); the checkpoint is refused.
        assertTrainingError("generator.bn3.running_var holds a NaN or an infinity") { try trainer.train(stopRequested: { false }) }
        XCTAssertEqual(try Data(contentsOf: trainer.run.generatorURL), before)
    }

    func testFixedNoiseImagesDoNotChangeTheModel() throws {
        let trainer = try QuickRun.start(QuickRun.options(maxSteps: 1), in: try temporaryFolder().appendingPathComponent("run"))
        let before = (trainer.models.generator as! SeedGenerator).bn2.runningMean.scalars
        let images = trainer.fixedNoiseImages()
        XCTAssertEqual(images.shape, [25, 1, 28, 28])
        XCTAssertEqual((trainer.models.generator as! SeedGenerator).bn2.runningMean.scalars, before)
        XCTAssertTrue(trainer.models.generator.isTraining)
        XCTAssertEqual(trainer.fixedNoiseImages().scalars, images.scalars)
    }

    /// `training_seconds` counts the training steps' time only, across epochs and sessions: a
    /// clock that moves one second per reading makes each step take exactly one second.
    func testTrainingTimeAccumulatesOverEpochsAndResumptions() throws {
        var clock = 0.0
        let console = TrainingSession.Console(reporter: ProgressReporter(style: .plain, write: { _ in }, now: { 0 }), info: { _ in },
                                              now: { clock += 1; return clock })
        let folder = try temporaryFolder().appendingPathComponent("run")
        try {  // The first session's trainer (and its lock on the folder) ends here.
            let first = try TrainingSession.start(options: QuickRun.options(maxSteps: 4), out: folder, console: console)
            XCTAssertEqual(try first.train(stopRequested: { false }), .reachedMaxSteps)
            XCTAssertEqual(first.progress.trainingSeconds, 4)
        }()
        let second = try TrainingSession.resume(folder, options: QuickRun.options(maxSteps: 6), console: console)
        XCTAssertEqual(second.progress.trainingSeconds, 4, "the checkpoint keeps the time")
        XCTAssertEqual(try second.train(stopRequested: { false }), .reachedMaxSteps)
        let lines = try String(contentsOf: second.run.logURL, encoding: .utf8).split(separator: "\n")
            .map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(lines.compactMap { $0["epoch"] as? Int }, [1, 2])
        XCTAssertEqual(lines.compactMap { $0["training_seconds"] as? Double }, [3, 6])
        XCTAssertEqual(lines.compactMap { $0["seconds"] as? Double }, [3, 3], "each epoch's own time")
    }

    /// `--checkpoint-minutes`: once that much time has passed since the last checkpoint, the next
    /// step writes one, inside the epoch; before that, none.
    func testACheckpointIsWrittenInsideAnEpochOnceCheckpointMinutesHavePassed() throws {
        var clock = 0.0
        let console = TrainingSession.Console(reporter: ProgressReporter(style: .plain, write: { _ in }, now: { 0 }), info: { _ in },
                                              now: { clock })
        var options = QuickRun.options(maxSteps: 2)
        options.checkpointMinutes = 1
        let trainer = try TrainingSession.start(options: options, out: try temporaryFolder().appendingPathComponent("run"), console: console)
        var newestCheckpoint: [Int?] = []
        _ = try trainer.train(stopRequested: {
            newestCheckpoint.append(trainer.checkpointStep)
            clock += 61
            return false
        })
        XCTAssertEqual(newestCheckpoint, [0, 2], "step 1 within the minute keeps the start's; step 2, a minute later, writes its own")
        assertTrainingError("--checkpoint-minutes must be a positive number, got 0.0") {
            var zero = QuickRun.options()
            zero.checkpointMinutes = 0
            return try zero.freshConfig()
        }
    }
}
