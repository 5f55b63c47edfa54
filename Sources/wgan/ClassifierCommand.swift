import ArgumentParser
import Foundation
import WGAN
import WGANData
import WGANEngine
import WGANEval

/// `wgan classifier train`: the feature classifiers `wgan evaluate` uses.
struct ClassifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "Train the feature classifier that wgan evaluate uses for a dataset.",
        subcommands: [ClassifierTrainCommand.self])
}

struct ClassifierTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a dataset's feature classifier with this tool's engine (seeded, reproducible).",
        discussion: """
            Writes <dataset>.safetensors and <dataset>.json (its SHA-256, test accuracy and this command) \
            into --out. The package ships the ones in Sources/WGANEval/Resources/classifiers.
            """)

    @Option(help: "mnist or fashion-mnist.")
    var dataset: String = DatasetName.mnist.rawValue
    @Option(help: ArgumentHelp("A folder of the dataset's IDX files (default: the dataset's own).", valueName: "dir"))
    var dataDir: String?
    @Option(parsing: .unconditional, help: "Seed of the initial weights and the batch order.")
    var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Passes over the training split.")
    var epochs: Int = ClassifierTraining().epochs
    @Option(parsing: .unconditional, help: "Move each training image by up to N pixels each way (augmentation; 0: none).")
    var shift: Int = ClassifierTraining().maxShift
    @Option(parsing: .unconditional, help: "Threads.")
    var threads: Int = 2
    @Option(help: ArgumentHelp("Folder for the two files.", valueName: "dir"))
    var out: String = "."

    func run() throws {
        try reportingFailures {
            let name = try ClassifierFile.dataset(named: dataset)
            guard epochs >= 1, threads >= 1 else { throw EvaluationError.invalid("--epochs and --threads must be at least 1") }
            guard (0...8).contains(shift) else { throw EvaluationError.invalid("--shift must be 0 to 8, got \(shift)") }
            try BLAS.load()
            Parallel.threads = threads
            let directory = dataDir.map { URL(fileURLWithPath: $0) }
            let (train, test) = (try name.load(.train, from: directory), try name.load(.test, from: directory))
            var training = ClassifierTraining()
            (training.seed, training.epochs, training.maxShift) = (seed, epochs, shift)
            let result = try training.run(train: train, test: test) { epoch, loss, accuracy in
                printLine(String(format: "epoch %d/%d: loss %.4f, test accuracy %.2f%%", epoch, epochs, loss, 100 * accuracy))
            }
            let command = "wgan classifier train --dataset \(name.rawValue) --seed \(seed) --epochs \(epochs) --shift \(shift) --threads \(threads)"
            let record = ClassifierRecord(dataset: name.rawValue, sha256: "", testAccuracy: result.testAccuracy, testImages: test.count,
                                          seed: seed, epochs: epochs, seconds: (result.seconds * 10).rounded() / 10, command: command)
            let written = try ClassifierFile.write(result.classifier, record: record, dataset: name, to: URL(fileURLWithPath: out))
            printLine(String(format: "test accuracy %.2f%% in %.0f s; ", 100 * result.testAccuracy, result.seconds)
                      + "wrote \(out)/\(name.rawValue).safetensors (SHA-256 \(written.sha256))")
        }
    }
}
