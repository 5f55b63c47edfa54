import Foundation
import WGAN
import XCTest

/// Settings: the seed's defaults, the paper's preset, flags over presets, validation messages,
/// and which flags a resumed run refuses.
final class TrainingConfigTests: XCTestCase {
    func testDefaultsAreTheSeedScripts() throws {
        let config = try TrainingOptions().freshConfig()
        XCTAssertEqual(config.latentDimension, 100)
        XCTAssertEqual(config.batchSize, 64)
        XCTAssertEqual(config.epochs, 100)
        XCTAssertEqual(config.criticLearningRate, 4e-3)
        XCTAssertEqual(config.generatorLearningRate, 1e-3)
        XCTAssertEqual([config.beta1, config.beta2], [0.9, 0.999])
        XCTAssertEqual(config.lambda, 10)
        XCTAssertEqual(config.criticSteps, 1)
        XCTAssertEqual(config.penalty, .sample)
        XCTAssertEqual(config.dataset, "mnist")
        XCTAssertNil(config.maxSteps)
    }

    func testTheMemoryCheckOfAnImageFolderRunNamesImageSize() throws {
        var config = try TrainingOptions().freshConfig()
        config.batchSize = 1_000_000_000
        let model = try config.model()
        XCTAssertThrowsError(try TrainingModels.checkMemory(config: config, model: model, imageShape: [1, 8, 8], imageFolder: true)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("training with --image-size 8, --batch-size 1000000000 and --latent-dim 100 would need about "), message)
            XCTAssertTrue(message.hasSuffix("(use a smaller --image-size, --batch-size or --latent-dim)"), message)
        }
        XCTAssertThrowsError(try TrainingModels.checkMemory(config: config, model: model, imageShape: [1, 8, 8])) { error in
            XCTAssertTrue("\(error)".hasSuffix("(use a smaller --batch-size or --latent-dim)"), "\(error)")
        }
    }

    func testPaperPresetAndExplicitFlagsOverrideIt() throws {
        var options = TrainingOptions()
        options.preset = "paper"
        let paper = try options.freshConfig()
        XCTAssertEqual([paper.criticLearningRate, paper.generatorLearningRate], [1e-4, 1e-4])
        XCTAssertEqual([paper.beta1, paper.beta2], [0, 0.9])
        XCTAssertEqual(paper.criticSteps, 5)
        XCTAssertEqual(paper.lambda, 10)
        XCTAssertEqual(paper.batchSize, 64)
        options.criticSteps = 3
        options.generatorLearningRate = 2e-4
        options.penaltyNorm = "pixel"
        let overridden = try options.freshConfig()
        XCTAssertEqual(overridden.criticSteps, 3)
        XCTAssertEqual(overridden.generatorLearningRate, 2e-4)
        XCTAssertEqual(overridden.criticLearningRate, 1e-4)
        XCTAssertEqual(overridden.penalty, .pixel)
    }

    func testImpossibleSettingsSayExactlyWhatIsWrong() {
        let cases: [(String, (inout TrainingOptions) -> Void)] = [
            ("--batch-size must be at least 2 (BatchNorm needs two samples per batch), got 0", { $0.batchSize = 0 }),
            ("--lr-critic must be a positive number, got -1.0", { $0.criticLearningRate = -1 }),
            ("--lr-generator must be a positive number, got nan", { $0.generatorLearningRate = .nan }),
            ("unknown preset 'fast' (expected seed, paper, paper-mnist, paper-cifar, paper-64, paper-64-resnet, paper-cifar-resnet, toy)", { $0.preset = "fast" }),
            ("--n-critic must be at least 1, got 0", { $0.criticSteps = 0 }),
            ("--epochs must be at least 1, got 0", { $0.epochs = 0 }),
            ("--latent-dim must be at least 1, got -3", { $0.latentDimension = -3 }),
            ("--beta1 must be in [0, 1), got 1.0", { $0.beta1 = 1 }),
            ("--lambda must be a non-negative number, got -0.5", { $0.lambda = -0.5 }),
            ("unknown --gp-norm 'flat' (expected sample or pixel)", { $0.penaltyNorm = "flat" }),
            ("unknown dataset 'cifar' (expected mnist, fashion-mnist, cifar10, images, 8gaussians, 25gaussians or swissroll)", { $0.dataset = "cifar" }),
            ("--max-steps must be at least 1, got 0", { $0.maxSteps = 0 }),
            ("--threads must be at least 1, got 0", { $0.threads = 0 }),
            ("--log-every must be at least 1, got 0", { $0.logEvery = 0 }),
            ("--limit must be at least 1, got 0", { $0.imageLimit = 0 }),
            ("unknown --lr-decay 'cosine' (expected none or linear)", { $0.learningRateDecay = "cosine" }),
            ("--lr-decay linear needs --iterations (the decay ends there)", { $0.learningRateDecay = "linear" }),
            ("--generator-batch-size must be at least 2 (BatchNorm needs two samples per batch), got 1", { $0.generatorBatchSize = 1 }),
        ]
        for (message, change) in cases {
            var options = TrainingOptions()
            change(&options)
            XCTAssertThrowsError(try options.freshConfig(), message) { error in
                XCTAssertEqual(error as? TrainingError, .invalidSetting(message))
            }
        }
    }

    func testResumeRefusesFlagsThatChangeTheRunAndAcceptsTheRest() throws {
        var original = TrainingOptions()
        original.epochs = 3
        original.imageLimit = 96
        let saved = try original.freshConfig()

        var refused = TrainingOptions()
        refused.latentDimension = 64
        XCTAssertThrowsError(try refused.resumedConfig(saved: saved)) { error in
            XCTAssertEqual(error as? TrainingError,
                           .invalidSetting("--latent-dim cannot be changed when resuming: the run was trained with --latent-dim 100"))
        }
        refused = TrainingOptions()
        refused.preset = "paper"
        XCTAssertThrowsError(try refused.resumedConfig(saved: saved)) { error in
            XCTAssertEqual("\(error)", "--preset cannot be changed when resuming: the run was trained with --preset seed")
        }
        refused = TrainingOptions()
        refused.dataDirectory = "/data"
        XCTAssertThrowsError(try refused.resumedConfig(saved: saved)) { error in
            XCTAssertEqual("\(error)", "--data-dir cannot be changed when resuming: the run was trained with --data-dir (not set)")
        }

        var accepted = TrainingOptions()
        accepted.batchSize = 64  // the saved value: not a change
        accepted.limit(96)
        accepted.epochs = 10
        accepted.maxSteps = 40
        accepted.threads = 1
        accepted.logEvery = 5
        let resumed = try accepted.resumedConfig(saved: saved)
        XCTAssertEqual(resumed.epochs, 10)
        XCTAssertEqual(resumed.maxSteps, 40)
        XCTAssertEqual(resumed.threads, 1)
        XCTAssertEqual(resumed.logEvery, 5)
        XCTAssertEqual(resumed.criticLearningRate, saved.criticLearningRate)
    }

    func testSettingsRoundTripThroughJSON() throws {
        var options = TrainingOptions()
        options.seed = UInt64.max - 5
        options.criticLearningRate = 3.7e-4
        options.dataDirectory = "/some/where"
        options.maxSteps = 12
        let config = try options.freshConfig()
        XCTAssertEqual(try TrainingConfig(jsonString: config.jsonString()), config)
        XCTAssertTrue(config.jsonString().contains("\"lr_critic\":0.00037"), config.jsonString())
        XCTAssertThrowsError(try TrainingConfig(jsonString: "{\"epochs\": 3}")) { error in
            XCTAssertEqual("\(error)", "the saved settings are not readable: missing key 'preset'")
        }
    }
}

/// The settings table serves the command line, the saved settings and the resume check.
final class TrainingSettingsTableTests: XCTestCase {
    /// Every field of the saved settings is one setting of the table, under its own key and flag.
    func testEverySavedKeyIsOneSettingOfTheTable() throws {
        var options = TrainingOptions()
        options.dataDirectory = "/d"
        options.imageLimit = 5
        options.maxSteps = 3
        options.logEvery = 2
        options.iterations = 7
        options.evalEvery = 4
        options.imageSize = 32
        options.channels = 3
        options.inception = "/w.pth"
        options.evalReference = "/r"
        options.generatorBatchSize = 16
        let json = try JSONSerialization.jsonObject(with: Data(try options.freshConfig().jsonString().utf8)) as! [String: Any]
        XCTAssertEqual(Set(json.keys), Set(TrainingSetting.all.map(\.key)))
        XCTAssertEqual(Set(TrainingSetting.all.map(\.name)).count, TrainingSetting.all.count, "flags are distinct")
        XCTAssertEqual(TrainingSetting.all.filter(\.mayChangeOnResume).map(\.flag),
                       ["--epochs", "--iterations", "--max-steps", "--threads", "--log-every", "--checkpoint-minutes", "--eval-every",
                        "--inception", "--eval-reference", "--eval-count", "--diagnostics", "--tensorboard"])
    }

    func testArgumentsAreReadByTheTable() throws {
        var options = TrainingOptions()
        try options.set("batch-size", argument: "48")
        try options.set("lr-critic", argument: "2.5e-4")
        try options.set("data-dir", argument: "/data")
        try options.set("seed", argument: "\(UInt64.max)")
        let config = try options.freshConfig()
        XCTAssertEqual(config.batchSize, 48)
        XCTAssertEqual(config.criticLearningRate, 2.5e-4)
        XCTAssertEqual(config.dataDirectory, "/data")
        XCTAssertEqual(config.seed, UInt64.max)
        XCTAssertEqual(options.batchSize, 48)
        XCTAssertThrowsError(try options.set("batch-size", argument: "many")) { error in
            XCTAssertEqual("\(error)", "--batch-size takes a whole number, got 'many'")
        }
        XCTAssertThrowsError(try options.set("seed", argument: "-1")) { error in
            XCTAssertEqual("\(error)", "--seed takes a whole number from 0 to \(UInt64.max), got '-1'")
        }
        XCTAssertThrowsError(try options.set("speed", argument: "1")) { error in
            XCTAssertEqual("\(error)", "unknown option '--speed'")
        }
    }
}

private extension TrainingOptions {
    mutating func limit(_ count: Int) { self.imageLimit = count }
}
