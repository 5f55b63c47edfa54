import Foundation
import TensorFormats
import WGANEngine
import WGANOptim

/// `checkpoints/training_state.safetensors`: everything a resumed run needs — both models, both
/// optimizers' moments and step counts, the progress through the run (epoch, step, position in
/// the epoch and the epoch's permutation, the epoch's running sums), every random generator's
/// state (UInt64 words stored as I64 bit patterns), the fixed noise, the settings as JSON in
/// the `__metadata__` entry `config`, and the training images' SHA-256 in `data_sha256`.
public enum TrainingStateFile {
    public static let format = "wgan-training-state"
    public static let formatVersion = "1"

    /// What a training-state file holds besides the models and optimizers, which are loaded in place.
    public struct Contents {
        public let config: TrainingConfig
        public let progress: TrainingProgress
        public let fixedNoise: Tensor
        /// The SHA-256 of the pixels the run trained on; nil in files written before it was kept.
        public let pixelChecksum: String?
    }

    /// The file's contents for the current state of a run. The models' entries refer to their
    /// tensors (see `ModelStateFile.add`), so write it before the next step.
    static func contents(config: TrainingConfig, models: TrainingModels, progress: TrainingProgress,
                         fixedNoise: Tensor, pixelChecksum: String) throws -> SafeTensors {
        var file = SafeTensors(metadata: ["format": format, "format_version": formatVersion, "config": config.jsonString(),
                                          "wgan_version": WGANVersion.current, "data_sha256": pixelChecksum])
        try ModelStateFile.add(models.generator, to: &file, prefix: "generator.")
        try ModelStateFile.add(models.critic, to: &file, prefix: "critic.")
        for (prefix, optimizer) in optimizers(of: models) {
            for (name, values) in optimizer.state { try file.set(prefix + name, floats: values, shape: [values.count]) }
        }
        try file.set("progress.epoch", int64s: [Int64(progress.epoch)], shape: [])
        try file.set("progress.step", int64s: [Int64(progress.step)], shape: [])
        try file.set("progress.training_seconds", doubles: [progress.trainingSeconds], shape: [])
        try file.set("progress.batch", int64s: [Int64(progress.batchPosition)], shape: [])
        try file.set("progress.permutation", int64s: progress.permutation.map(Int64.init), shape: [progress.permutation.count])
        try file.set("random.data", int64s: progress.dataRandom.state.map { Int64(bitPattern: $0) }, shape: [4])
        try file.set("random.noise", int64s: progress.noiseRandom.state.map { Int64(bitPattern: $0) }, shape: [4])
        let totals = progress.totals
        try file.set("epoch_totals.sums", doubles: [totals.criticLoss, totals.generatorLoss, totals.penalty, totals.seconds], shape: [4])
        try file.set("epoch_totals.acgan", doubles: [totals.acganLoss, totals.acganRealAccuracy, totals.acganFakeAccuracy], shape: [3])
        try file.set("epoch_totals.steps", int64s: [Int64(totals.criticSteps), Int64(totals.generatorSteps)], shape: [2])
        try file.set("fixed_noise", floats: fixedNoise.scalars, shape: fixedNoise.shape)
        return file
    }

    /// The settings saved in `file` (read first: the models are built from them).
    public static func config(in file: SafeTensors, path: String) throws(TrainingError) -> TrainingConfig {
        guard file.metadata["format"] == format else {
            throw .checkpoint(path: path, problem: "not a wgan training state (its __metadata__ lacks format \(format))")
        }
        guard let json = file.metadata["config"] else {
            throw .checkpoint(path: path, problem: "its __metadata__ lacks the run's config")
        }
        do {
            return try TrainingConfig(jsonString: json)
        } catch {
            throw .checkpoint(path: path, problem: error.description)
        }
    }

    /// Loads the models and optimizers from `file` in place, and returns the rest.
    public static func restore(_ models: TrainingModels, from file: SafeTensors, path: String) throws(TrainingError) -> Contents {
        let config = try config(in: file, path: path)
        try ModelStateFile.load(models.generator, from: file, prefix: "generator.", path: path)
        try ModelStateFile.load(models.critic, from: file, prefix: "critic.", path: path)
        do {
            for (prefix, optimizer) in optimizers(of: models) {
                var values: [String: [Float]] = [:]
                for entry in file.entries where entry.name.hasPrefix(prefix) {
                    values[String(entry.name.dropFirst(prefix.count))] = try file.floats(entry.name)
                }
                try optimizer.loadState(values)
            }
            let reader = StateReader(file: file, path: path)
            var progress = TrainingProgress(dataRandom: try reader.random("random.data"),
                                            noiseRandom: try reader.random("random.noise"))
            progress.epoch = try reader.count("progress.epoch")
            progress.step = try reader.count("progress.step")
            progress.batchPosition = try reader.count("progress.batch")
            // Absent from files written before the report plotted scores against time.
            if file["progress.training_seconds"] != nil {
                let seconds = try file.doubles("progress.training_seconds")
                guard seconds.count == 1, seconds[0].isFinite, seconds[0] >= 0 else {
                    throw TrainingError.checkpoint(path: path, problem: "malformed progress.training_seconds")
                }
                progress.trainingSeconds = seconds[0]
            }
            progress.permutation = try file.int64s("progress.permutation").map { Int($0) }
            let sums = try file.doubles("epoch_totals.sums"), steps = try file.int64s("epoch_totals.steps")
            guard sums.count == 4, steps.count == 2 else { throw TrainingError.checkpoint(path: path, problem: "malformed epoch_totals") }
            progress.totals = EpochTotals()
            (progress.totals.criticLoss, progress.totals.generatorLoss, progress.totals.penalty, progress.totals.seconds) =
                (sums[0], sums[1], sums[2], sums[3])
            (progress.totals.criticSteps, progress.totals.generatorSteps) = (Int(steps[0]), Int(steps[1]))
            // Absent from files written before conditional runs.
            if file["epoch_totals.acgan"] != nil {
                let acgan = try file.doubles("epoch_totals.acgan")
                guard acgan.count == 3 else { throw TrainingError.checkpoint(path: path, problem: "malformed epoch_totals.acgan") }
                (progress.totals.acganLoss, progress.totals.acganRealAccuracy, progress.totals.acganFakeAccuracy) = (acgan[0], acgan[1], acgan[2])
            }
            let noiseShape = try file.shape(of: "fixed_noise")
            guard noiseShape.count == 2, noiseShape[1] == config.latentDimension else {
                throw TrainingError.checkpoint(path: path, problem: "fixed_noise has shape \(noiseShape), expected [N, \(config.latentDimension)]")
            }
            return Contents(config: config, progress: progress, fixedNoise: Tensor(try file.floats("fixed_noise"), shape: noiseShape),
                            pixelChecksum: file.metadata["data_sha256"])
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .checkpoint(path: path, problem: "\(error)")
        }
    }

    private static func optimizers(of models: TrainingModels) -> [(String, Optimizer)] {
        [("optimizer.generator.", models.generatorOptimizer), ("optimizer.critic.", models.criticOptimizer)]
    }

    /// Typed reads of the scalar and generator entries, each checked.
    private struct StateReader {
        let file: SafeTensors
        let path: String

        func count(_ name: String) throws -> Int {
            let values = try file.int64s(name)
            guard values.count == 1, values[0] >= 0 else {
                throw TrainingError.checkpoint(path: path, problem: "'\(name)' is not a single non-negative integer")
            }
            return Int(values[0])
        }

        func random(_ name: String) throws -> RandomGenerator {
            let words = try file.int64s(name).map { UInt64(bitPattern: $0) }
            guard let generator = RandomGenerator(state: words) else {
                throw TrainingError.checkpoint(path: path, problem: "'\(name)' is not a random generator state (4 words, not all zero)")
            }
            return generator
        }
    }
}

/// This program's version, recorded in every run's settings and checkpoints.
public enum WGANVersion {
    public static let current = "0.1.0"
}
