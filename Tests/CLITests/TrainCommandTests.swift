import Foundation
import TensorFormats
import WGANImage
import WGANModels
import XCTest

/// `wgan train` and `wgan sample` as a person runs them.
final class TrainCommandTests: XCTestCase {
    func testTrainThenSampleFromWhatItTrained() throws {
        let folder = try temporaryFolder()
        let trained = try wgan(["train"] + quickTraining + ["--epochs=2", "--out", "run"], in: folder)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        let output = trained.standardOutput.split(separator: "\n")
        XCTAssertTrue(output.first?.contains("OpenBLAS") == true, trained.standardOutput)
        XCTAssertTrue(output.first?.contains("MNIST, 96 images 28×28") == true, trained.standardOutput)
        XCTAssertEqual(output.filter { $0.hasPrefix("total_D_loss:") }.count, 2)
        XCTAssertTrue(trained.standardError.contains("Epoch 2/2: 100% 3/3 steps"), trained.standardError)
        XCTAssertFalse(trained.standardError.contains("\r"), "plain lines when standard error is not a terminal")

        let run = folder.appendingPathComponent("run")
        let generator = try SafeTensors(contentsOf: run.appendingPathComponent("checkpoints/generator.safetensors"))
        XCTAssertEqual(try generator.shape(of: "linear1.weight"), [128, 100])
        XCTAssertEqual(try generator.dtype(of: "bn2.num_batches_tracked"), .i64)
        XCTAssertEqual(try generator.shape(of: "bn2.num_batches_tracked"), [])
        for name in ["config.json", "log.jsonl", "samples/ep1.png", "samples/ep2.png", "samples/fixed_ep2.png",
                     "checkpoints/critic.safetensors", "checkpoints/training_state.safetensors"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent(name).path), name)
        }

        let grid = try wgan(["sample", "--checkpoint", "run", "--out", "grid.png"], in: folder)
        XCTAssertEqual(grid.status, 0, grid.standardError)
        let png = try PNGReader.read(from: folder.appendingPathComponent("grid.png").path)
        XCTAssertEqual([png.width, png.height], [152, 152])
        let nine = try wgan(["sample", "--checkpoint", "run/checkpoints/generator.safetensors", "--count", "9", "--out", "nine.png"], in: folder)
        XCTAssertEqual(nine.status, 0, nine.standardError)
        XCTAssertEqual(try PNGReader.read(from: folder.appendingPathComponent("nine.png").path).width, 3 * 30 + 2)

        let arrays = try wgan(["sample", "--checkpoint", "run", "--count", "10", "--seed", "4", "--out", "a.npy"], in: folder)
        XCTAssertEqual(arrays.status, 0, arrays.standardError)
        let a = try NPYArray(contentsOf: folder.appendingPathComponent("a.npy"))
        XCTAssertEqual(a.shape, [10, 1, 28, 28])
        XCTAssertTrue(a.values.allSatisfy { $0 >= -1 && $0 <= 1 })
        XCTAssertGreaterThan(Set(a.values).count, 1000)

        let z = (0..<300).map { Float(($0 * 7919) % 1000) / 500 - 1 }
        try NPYArray(shape: [3, 100], values: z).write(to: folder.appendingPathComponent("z.npy"))
        let checkpointBytes = try Data(contentsOf: run.appendingPathComponent("checkpoints/generator.safetensors"))
        for (out, mode) in [("z1.npy", "running"), ("z2.npy", "running"), ("zb.npy", "batch")] {
            let result = try wgan(["sample", "--checkpoint", "run", "--z", "z.npy", "--batch-norm", mode, "--out", out], in: folder)
            XCTAssertEqual(result.status, 0, result.standardError)
        }
        let z1 = try NPYArray(contentsOf: folder.appendingPathComponent("z1.npy"))
        XCTAssertEqual(z1.shape, [3, 1, 28, 28])
        XCTAssertEqual(z1, try NPYArray(contentsOf: folder.appendingPathComponent("z2.npy")), "the same z gives the same images")
        XCTAssertNotEqual(z1.values, try NPYArray(contentsOf: folder.appendingPathComponent("zb.npy")).values)
        XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent("checkpoints/generator.safetensors")), checkpointBytes)

        try NPYArray(shape: [3, 50], values: Array(z.prefix(150))).write(to: folder.appendingPathComponent("short.npy"))
        try assertOneLineError(["sample", "--checkpoint", "run", "--z", "short.npy", "--out", "x.npy"], in: folder,
                               "has shape [3, 50]; this generator needs [N, 100]")
        try assertOneLineError(["sample", "--checkpoint", "run", "--z", "z.npy", "--count", "4", "--out", "x.npy"], in: folder,
                               "--count 4 differs from the 3 rows of --z")
        try assertOneLineError(["sample", "--checkpoint", "run", "--out", "x.jpg"], in: folder, "--out must end in .png or .npy")
        try assertOneLineError(["sample", "--checkpoint", "run/config.json", "--out", "x.png"], in: folder, "checkpoint ")
        try assertOneLineError(["sample", "--checkpoint", "run/checkpoints/critic.safetensors", "--out", "x.png"], in: folder,
                               "not a generator checkpoint")
        try assertOneLineError(["sample", "--checkpoint", "run", "--batch-norm", "eval", "--out", "x.png"], in: folder,
                               "unknown --batch-norm 'eval'")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.npy").path))
    }

    func testResumeEndsWithTheSameParametersAsAnUninterruptedRun() throws {
        let folder = try temporaryFolder()
        let whole = try wgan(["train"] + quickTraining + ["--epochs", "3", "--max-steps", "6", "--out", "whole"], in: folder)
        XCTAssertEqual(whole.status, 0, whole.standardError)
        XCTAssertTrue(whole.standardOutput.contains("stopped at step 6 (--max-steps"), whole.standardOutput)
        let part = try wgan(["train"] + quickTraining + ["--epochs", "3", "--max-steps", "2", "--out", "part"], in: folder)
        XCTAssertEqual(part.status, 0, part.standardError)
        let rest = try wgan(["train", "--resume", "part", "--max-steps", "6"], in: folder)
        XCTAssertEqual(rest.status, 0, rest.standardError)
        XCTAssertTrue(rest.standardOutput.contains("resuming"), rest.standardOutput)
        for name in ["generator", "critic"] {
            let path = "checkpoints/\(name).safetensors"
            XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("whole/" + path)),
                           try Data(contentsOf: folder.appendingPathComponent("part/" + path)), path)
        }
        let again = try wgan(["train", "--resume", "part", "--max-steps", "6"], in: folder)
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.standardOutput.contains("nothing to train: the run is at step 6"), again.standardOutput)

        try assertOneLineError(["train", "--resume", "part", "--latent-dim", "64"], in: folder,
                               "--latent-dim cannot be changed when resuming: the run was trained with --latent-dim 100")
        try assertOneLineError(["train", "--resume", "part", "--out", "elsewhere"], in: folder, "--out cannot be used with --resume")
        try assertOneLineError(["train", "--resume", "missing"], in: folder, "cannot resume")
        let record = try Data(contentsOf: folder.appendingPathComponent("whole/config.json"))
        try assertOneLineError(["train"] + quickTraining + ["--out", "whole"], in: folder, "whole already holds a run; pass --resume ")
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("whole/config.json")), record)
    }

    func testNaNLossStopsWithTheStepNamedAndKeepsTheLastGoodCheckpoint() throws {
        let folder = try temporaryFolder()
        let result = try wgan(["train"] + quickTraining + ["--lr-critic", "1e30", "--out", "run"], in: folder)
        XCTAssertEqual(result.status, 1)
        let message = result.errorLines.last.map(String.init) ?? ""
        XCTAssertTrue(message.hasPrefix("wgan: error: training diverged: G_loss is NaN at step 1 (epoch 1)"), result.standardError)
        XCTAssertTrue(message.contains("the last good checkpoint (step 0) is kept"), message)
        let state = try SafeTensors(contentsOf: folder.appendingPathComponent("run/checkpoints/training_state.safetensors"))
        XCTAssertEqual(try state.int64s("progress.step"), [0])
        let generator = try SafeTensors(contentsOf: folder.appendingPathComponent("run/checkpoints/generator.safetensors"))
        for name in generator.names where try generator.dtype(of: name) == .f32 {
            XCTAssertTrue(try generator.floats(name).allSatisfy(\.isFinite), name)
        }
    }

    /// Ctrl-C, SIGTERM and SIGHUP each finish the step, write a checkpoint and exit with 128 + the
    /// signal's number; each resume continues from where the last stopped.
    func testStopSignalsFinishTheStepWriteACheckpointAndExplainHowToResume() throws {
        let folder = try temporaryFolder()
        var arguments = ["train", "--limit", "6400", "--batch-size", "32", "--threads", "2", "--out", "run"]
        var lastStep: Int64 = 0
        for (signal, name, status) in [(SIGINT, "SIGINT", Int32(130)), (SIGTERM, "SIGTERM", 143), (SIGHUP, "SIGHUP", 129)] {
            let running = try RunningWGAN(arguments, in: folder)
            let deadline = Date().addingTimeInterval(120)
            while running.process.isRunning && !running.standardErrorSoFar.contains("Epoch 1/100") && Date() < deadline {
                usleep(20_000)
            }
            XCTAssertTrue(running.process.isRunning, "training ended before it could be stopped")
            kill(running.process.processIdentifier, signal)
            let result = running.wait()
            XCTAssertEqual(result.status, status, "\(name): \(result.standardError)")
            let message = result.errorLines.last.map(String.init) ?? ""
            XCTAssertTrue(message.hasPrefix("wgan: interrupted (\(name)) at step "), result.standardError)
            XCTAssertTrue(message.hasSuffix("continue with: wgan train --resume \(folder.appendingPathComponent("run").path)"), message)

            let state = try SafeTensors(contentsOf: folder.appendingPathComponent("run/checkpoints/training_state.safetensors"))
            let step = try XCTUnwrap(state.int64s("progress.step").first)
            XCTAssertGreaterThan(step, lastStep, name)
            XCTAssertTrue(message.contains("at step \(step);"), message)
            XCTAssertGreaterThan(try XCTUnwrap(state.int64s("progress.batch").first), 0)
            lastStep = step
            arguments = ["train", "--resume", "run"]
        }
        let resumed = try wgan(["train", "--resume", "run", "--max-steps", "\(lastStep + 1)"], in: folder)
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        XCTAssertTrue(resumed.standardOutput.contains("stopped at step \(lastStep + 1)"), resumed.standardOutput)
    }

    func testBadInputGivesOneLineAndWritesNothing() throws {
        let folder = try temporaryFolder()
        try assertOneLineError(["train", "--batch-size", "0"], in: folder, "--batch-size must be at least 2")
        try assertOneLineError(["train", "--lr-critic", "-0.1"], in: folder, "--lr-critic must be a positive number, got -0.1")
        try assertOneLineError(["train", "--preset", "fast"], in: folder, "unknown preset 'fast' (expected seed, paper, paper-mnist, paper-cifar, paper-64, paper-64-resnet, paper-cifar-resnet, toy)")
        try assertOneLineError(["train", "--n-critic", "0"], in: folder, "--n-critic must be at least 1, got 0")
        try assertOneLineError(["train", "--epochs", "0"], in: folder, "--epochs must be at least 1, got 0")
        try assertOneLineError(["train", "--data-dir", "nowhere"], in: folder, "dataset folder not found")
        let damaged = folder.appendingPathComponent("damaged")
        try FileManager.default.createDirectory(at: damaged, withIntermediateDirectories: true)
        try Data([0x1f, 0x8b, 0x08, 0x00, 0x00]).write(to: damaged.appendingPathComponent("train-labels-idx1-ubyte.gz"))
        try Data().write(to: damaged.appendingPathComponent("train-images-idx3-ubyte"))
        try assertOneLineError(["train", "--data-dir", "damaged"], in: folder, "train-labels-idx1-ubyte.gz: truncated gzip stream")
        try assertOneLineError(["bench", "--steps", "0"], in: folder, "--iterations must be at least 1, got 0")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["damaged"],
                       "no run folder was created")
    }

    /// The help says what the code does: where --diagnostics draws, every model with its summary
    /// and every preset (both read from the catalogue), and evaluate's thread default.
    func testHelpDescribesWhatTheCodeDoes() throws {
        let folder = try temporaryFolder()
        func help(_ command: String) throws -> String {
            let output = try wgan([command, "--help"], in: folder).standardOutput
            return output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let train = try help("train")
        XCTAssertTrue(train.contains("paper-mnist (the official gan_mnist.py: --model mnist-dcgan (width 64, latent 128), batch 50, "
                                     + "n_critic 5, λ 10.0, Adam 0.0001 for both with betas (0.5, 0.9), 200000 generator iterations)"), train)
        XCTAssertTrue(train.contains("weight histogram every epoch into samples/weights_ep{N}.png"), train)
        XCTAssertFalse(train.contains("diagnostics/"), train)
        for model in ModelCatalogue.builtIn.models {
            XCTAssertTrue(train.contains("\(model.name) (\(model.summary))"), model.name)
        }
        // A preset several models share (the 64×64 zoo's paper-64) is described with the first that has it.
        for (preset, model) in ModelCatalogue.builtIn.presets {
            XCTAssertTrue(train.contains("\(preset.name) (\(preset.description(of: model)))"), preset.name)
        }
        XCTAssertEqual(train.components(separatedBy: "paper-64 (").count - 1, 1, "paper-64 is listed once")
        XCTAssertTrue(try help("evaluate").contains("--threads <threads> Threads (default: the machine's core count)."))
    }
}
