import Foundation
import TensorFormats
import WGANEngine
import WGANModels

/// Sets up a `Trainer` for a new run or a resumed one. Everything that can be refused (settings,
/// data, an existing folder, a damaged checkpoint) is checked before anything is written.
public enum TrainingSession {
    /// Where a session's text goes: the progress reporter, lines for standard output, and
    /// warnings that do not stop the run (standard error's `wgan: warning: …` by default).
    public struct Console {
        public let reporter: ProgressReporter
        public let info: (String) -> Void
        public let warn: (String) -> Void
        public let now: () -> Double

        public init(reporter: ProgressReporter, info: @escaping (String) -> Void, now: @escaping () -> Double,
                    warn: @escaping (String) -> Void = { writeToStandardError("wgan: warning: \($0)\n") }) {
            self.reporter = reporter
            self.info = info
            self.warn = warn
            self.now = now
        }
    }

    /// A new run with the settings of `options`, in `out` (missing, empty, or a start that stopped before
    /// its first checkpoint) or `runs/<timestamp>`, its model looked up in `catalogue`.
    /// Writes `config.json` and a checkpoint of the initial state.
    public static func start(options: TrainingOptions, out: URL?, runsFolder: URL = URL(fileURLWithPath: "runs"),
                             console: Console, catalogue: ModelCatalogue = .builtIn) throws -> Trainer {
        let requested = try options.freshConfig(in: catalogue)
        let model = try requested.model(in: catalogue)
        let data = try TrainingData.load(requested, model: model,
                                         imageCache: imageCache(besideRunIn: out?.deletingLastPathComponent() ?? runsFolder),
                                         progress: console.reporter, info: console.info, warn: console.warn)
        let (config, warning) = data.fittingBatches(requested)
        if let warning { console.warn(warning) }
        try TrainingEvaluation.checkReady(config, data: data)
        try TrainingModels.checkMemory(config: config, model: model, imageShape: data.imageShape,
                                       imageFolder: data.isImageFolder)
        let blas = try prepareBLAS(threads: config.threads)
        let run = try RunDirectory.createNew(at: out, parent: runsFolder)
        var initRandom = RandomGenerator(seed: config.seed)
        let models = try TrainingModels(config: config, model: model, imageShape: data.imageShape, classNames: data.classNames,
                                        using: &initRandom)
        // An image run's grids show 25 images; a toy run's frames a batch of points.
        let fixedNoise = Tensor.randn([data.source.fixedNoiseCount(config: config), config.latentDimension], using: &initRandom)
        try RunRecord(settings: config, data: data, blas: blas, started: Date()).write(to: run.configURL)
        console.info("wgan \(WGANVersion.current): \(blas); \(data.summary); run folder \(run.url.path)")
        let trainer = Trainer(config: config, data: data, run: run, models: models, progress: TrainingProgress(seed: config.seed),
                              fixedNoise: fixedNoise, log: try TrainingLog(url: run.logURL), reporter: console.reporter,
                              info: console.info, now: console.now, checkpointStep: nil, warn: console.warn)
        try trainer.writeCheckpoint()
        return trainer
    }

    /// The run in `directory`, restored from its `training_state.safetensors`, with the settings
    /// it was started with and the run-length, speed and logging flags of `options`.
    public static func resume(_ directory: URL, options: TrainingOptions, console: Console,
                              catalogue: ModelCatalogue = .builtIn) throws -> Trainer {
        let run = try RunDirectory.existing(directory)
        let path = run.trainingStateURL.path
        let file = try ModelStateFile.read(run.trainingStateURL)
        let config = try options.resumedConfig(saved: TrainingStateFile.config(in: file, path: path), in: catalogue)
        let model = try config.model(in: catalogue)
        let data = try TrainingData.load(config, model: model, imageCache: imageCache(besideRunIn: directory.deletingLastPathComponent()),
                                         progress: console.reporter, info: console.info, warn: console.warn)
        try TrainingModels.checkMemory(config: config, model: model, imageShape: data.imageShape,
                                       imageFolder: data.isImageFolder)
        // A conditional run's labels mean its classes: renamed class folders are other data.
        if config.conditional, let trained = RunRecord.read(from: run.configURL)?.dataset.classes, trained != data.classNames {
            throw TrainingError.checkpoint(path: path, problem: "the run trained on the classes \(trained.joined(separator: ", ")); "
                                           + "\(data.directory.path) now has \((data.classNames ?? []).joined(separator: ", ")); "
                                           + "resume with the same classes")
        }
        try TrainingEvaluation.checkReady(config, data: data)
        let blas = try prepareBLAS(threads: config.threads)
        let (models, saved) = try restore(file, path: path, config: config, model: model, data: data) { data in
            TrainingError.checkpoint(path: path, problem: "the run trained on other images than those now in "
                                     + "\(data.directory.path) (their SHA-256 differs); resume with the same data")
        }

        let record = RunRecord(settings: config, data: data, blas: blas, started: Date())
        try record.resumed(from: RunRecord.read(from: run.configURL), at: Date()).write(to: run.configURL)
        let log = try TrainingLog(url: run.logURL, keepingStepsUpTo: saved.progress.step)
        console.info("wgan \(WGANVersion.current): \(blas); \(data.summary); resuming \(run.url.path) at step "
                     + "\(saved.progress.step) (epoch \(min(saved.progress.epoch + 1, config.epochs)))")
        return Trainer(config: config, data: data, run: run, models: models, progress: saved.progress,
                       fixedNoise: saved.fixedNoise, log: log, reporter: console.reporter, info: console.info,
                       now: console.now, checkpointStep: saved.progress.step, warn: console.warn)
    }

    /// The models and progress of the training state `file` holds, for a run with `config` on
    /// `data`; `otherImages` is the error for data whose checksum differs from the run's.
    static func restore(_ file: SafeTensors, path: String, config: TrainingConfig, model: any GANModel, data: TrainingData,
                        otherImages: (TrainingData) -> Error) throws -> (TrainingModels, TrainingStateFile.Contents) {
        // The weights are overwritten by the checkpoint's; the generator only fixes the shapes.
        var shapeOnly = RandomGenerator(seed: config.seed)
        let models = try TrainingModels(config: config, model: model, imageShape: data.imageShape, classNames: data.classNames,
                                        using: &shapeOnly)
        let saved = try TrainingStateFile.restore(models, from: file, path: path)
        try check(saved.progress, fits: data, config: config, path: path)
        if let trainedOn = saved.pixelChecksum, trainedOn != data.pixelChecksum { throw otherImages(data) }
        return (models, saved)
    }

    /// Where a large image folder's decoded images are kept: `image-cache` in the folder that
    /// holds the run, so that its other runs and its resumes share them.
    static func imageCache(besideRunIn parent: URL) -> URL { parent.appendingPathComponent("image-cache") }

    /// Loads OpenBLAS, gives the engine `threads` threads and returns the one-line summary.
    static func prepareBLAS(threads: Int) throws -> String {
        try BLAS.load()
        Parallel.threads = threads
        return BLAS.summary
    }

    private static func check(_ progress: TrainingProgress, fits data: TrainingData, config: TrainingConfig,
                              path: String) throws(TrainingError) {
        if let problem = data.source.problem(resuming: progress, config: config) { throw .checkpoint(path: path, problem: problem) }
        guard progress.batchPosition <= data.batchCount(config: config) else {
            throw .checkpoint(path: path, problem: TrainingData.positionProblem(progress))
        }
    }
}
