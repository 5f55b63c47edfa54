import Foundation
import WGANData
import WGANEngine
import WGANModels

/// How a call to `Trainer.train` ended.
public enum TrainingOutcome: Equatable, Sendable {
    /// Every epoch (or `--iterations` generator iteration) is done.
    case completed
    /// `--max-steps` generator steps are done.
    case reachedMaxSteps
    /// A stop was requested (Ctrl-C); the state after the last finished step is saved.
    case interrupted
}

/// The training loop: epochs (or `--iterations`) of Algorithm 1's iterations (`TrainingIteration`:
/// with the seed's one critic step, a generator step on the critic's latent batch; with
/// `--n-critic N` > 1, N critic steps, each on its own batch, then a generator step on a fresh
/// latent batch; an epoch's last cycle may have fewer critic steps).
///
/// After each epoch it prints the seed's summary line, logs the means, writes the sample grids
/// and a checkpoint. A checkpoint is also written when the run begins and when it stops early,
/// so that `--resume` always finds the state after a whole step.
public final class Trainer {
    public let config: TrainingConfig
    public let data: TrainingData
    public let run: RunDirectory
    public let models: TrainingModels
    public private(set) var progress: TrainingProgress
    /// 25 latent vectors drawn once per run, for grids that compare epochs.
    public let fixedNoise: Tensor
    private let log: TrainingLog
    private let reporter: ProgressReporter
    /// Lines for standard output.
    let info: (String) -> Void
    private let now: () -> Double
    /// The step of the newest checkpoint on disk.
    public private(set) var checkpointStep: Int?
    /// When (`now()`) the newest checkpoint was written, or training began: `--checkpoint-minutes` counts from it.
    private var checkpointTime: Double?
    /// `--eval-every`'s metrics (`TrainingEvaluation`), loaded at the first evaluation.
    private lazy var evaluation = TrainingEvaluation(config: config)
    /// `--diagnostics`: the critic's gradient norms over the epoch so far.
    private let diagnostics: CriticDiagnostics?
    /// `--tensorboard`: the run's TensorBoard events, written where the log is (by the writing rank).
    let board: TrainingBoard?
    /// This rank's part in a data-parallel run (see `Trainer+DataParallel.swift`); nil for one process.
    public internal(set) var dataParallel: DataParallel?

    init(config: TrainingConfig, data: TrainingData, run: RunDirectory, models: TrainingModels, progress: TrainingProgress,
         fixedNoise: Tensor, log: TrainingLog, reporter: ProgressReporter, info: @escaping (String) -> Void,
         now: @escaping () -> Double, checkpointStep: Int?,
         warn: @escaping (String) -> Void = { writeToStandardError("wgan: warning: \($0)\n") }) {
        self.config = config
        self.data = data
        self.run = run
        self.models = models
        self.progress = progress
        self.fixedNoise = fixedNoise
        self.log = log
        self.reporter = reporter
        self.info = info
        self.now = now
        self.checkpointStep = checkpointStep
        diagnostics = config.diagnostics ? CriticDiagnostics(critic: models.critic) : nil
        board = config.tensorboard ? TrainingBoard(folder: run.tensorboardURL, config: config, resumedAt: checkpointStep, warn: warn) : nil
    }

    /// Whether the run's length is reached: its epochs, or its `--iterations`.
    public var isComplete: Bool { config.iterations.map { progress.step >= $0 } ?? (progress.epoch >= config.epochs) }

    /// Whether the settings leave nothing to train from the current state.
    public var isFinished: Bool { isComplete || config.maxSteps.map { progress.step >= $0 } == true }

    /// Trains until the last epoch, `--max-steps`, or `stopRequested()` (checked between steps).
    ///
    /// - Throws: `TrainingError.diverged` when a loss or weight is not finite (nothing is saved
    ///   after the last good checkpoint), `TrainingError.output` when a file cannot be written.
    public func train(stopRequested: () -> Bool = { InterruptSignal.isRequested }) throws(TrainingError) -> TrainingOutcome {
        if isFinished { return isComplete ? .completed : .reachedMaxSteps }
        let perCycle = config.criticSteps
        while !isComplete {
            let batches = try epochBatches()
            // A cycle is up to --n-critic batches and one generator step (any --n-critic: no overflow).
            func cycles(upTo batch: Int) -> Int { Batches.count(items: batch, batchSize: perCycle) }
            func completedSteps() -> Int { config.iterations == nil ? cycles(upTo: progress.batchPosition) : progress.step }
            if let iterations = config.iterations {
                reporter.beginIterations(total: iterations, completed: progress.step)
            } else {
                reporter.beginEpoch(progress.epoch + 1, of: config.epochs, totalSteps: cycles(upTo: batches.count),
                                    completed: completedSteps())
            }
            var epochDone = false
            while !epochDone {
                let start = now()
                let cycle = try trainCycle(batches)
                let seconds = now() - start
                progress.totals.seconds += seconds
                progress.trainingSeconds += seconds
                reporter.update(completed: completedSteps(),
                                criticLoss: cycle.criticLoss, generatorLoss: cycle.generatorLoss)
                if let every = config.logEvery, progress.step % every == 0, isWriter {
                    let entry = TrainingLog.StepEntry(step: progress.step, criticLoss: cycle.criticLoss,
                                                      generatorLoss: cycle.generatorLoss, penalty: cycle.penalty)
                    try log.append(entry)
                    board?.record(entry, step: entry.step, perStep: true)
                }
                try evaluateIfDue(epochEnded: false)
                if let images = cycle.epochImages {
                    try finishEpoch(lastImages: images)
                    try evaluateIfDue(epochEnded: true)
                    epochDone = true
                }
                if isComplete && epochDone { return .completed }
                try checkpointIfDue()
                let interrupted = stopRequested()
                if interrupted || isFinished {
                    reporter.finish()
                    if progress.batchPosition > 0 { try summarisePartialEpoch(lastImages: cycle.lastFake) }
                    if checkpointStep != progress.step { try writeCheckpoint() }
                    return interrupted ? .interrupted : isComplete ? .completed : .reachedMaxSteps
                }
            }
        }
        return .completed
    }

    private struct CycleResult {
        let criticLoss: Float, generatorLoss: Float, penalty: Float
        /// The generator's images of the epoch's last step, when this cycle ends the epoch.
        let epochImages: Tensor?
        /// The images the last critic step scored as fake.
        let lastFake: Tensor
    }

    /// The epoch's batches, from the source (an image order drawn when the epoch begins).
    private func epochBatches() throws(TrainingError) -> any EpochBatches {
        try data.source.epochBatches(&progress, config: config, pixels: models.model.pixelValues)
    }

    /// One iteration of Algorithm 1 (`TrainingIteration`) on the epoch's next batches: up to
    /// `--n-critic` critic steps, then one generator step.
    private func trainCycle(_ batches: any EpochBatches) throws(TrainingError) -> CycleResult {
        let iteration = TrainingIteration(step: models.step, criticSteps: config.criticSteps,
                                          latentDimension: config.latentDimension, fixedGenerator: config.fixedGenerator,
                                          generatorBatchSize: config.generatorBatchSize)
        if config.decay != .none {
            // The rates follow the step count alone, so a resumed run continues the schedule.
            let factors = config.learningRateFactors(completedGeneratorSteps: progress.step)
            models.step.criticOptimizer.learningRate = Float(config.criticLearningRate * factors.critic)
            models.step.generatorOptimizer.learningRate = Float(config.generatorLearningRate * factors.generator)
        }
        var source = EpochSource(trainer: self, batches: batches)
        // The seed's grid shows G(z) of the epoch's last generator step.
        let endsEpoch = batches.count - progress.batchPosition <= config.criticSteps
        let result = try iteration.run(&source, keepingGeneratedImages: endsEpoch) { (critic) throws(TrainingError) in
            try requireFinite(critic.loss, "D_loss")
            diagnostics?.record(critic)
            progress.totals.criticLoss += Double(critic.loss)
            progress.totals.penalty += Double(critic.penalty)
            progress.totals.criticSteps += 1
            if let acgan = critic.acgan { progress.totals.add(acgan) }
        }
        guard let result else { preconditionFailure("a cycle starts only where the epoch has a batch left") }
        try requireFinite(result.generatorLoss, "G_loss")
        progress.step += 1
        progress.totals.generatorLoss += Double(result.generatorLoss)
        progress.totals.generatorSteps += 1
        return CycleResult(criticLoss: result.critic.loss, generatorLoss: result.generatorLoss, penalty: result.critic.penalty,
                           epochImages: result.generatedImages, lastFake: result.critic.fake)
    }

    /// The trainer's batches and noise stream, as `TrainingIteration` draws them.
    private struct EpochSource: IterationSource {
        let trainer: Trainer
        let batches: any EpochBatches

        var noise: RandomGenerator {
            get { trainer.progress.noiseRandom }
            nonmutating set { trainer.progress.noiseRandom = newValue }
        }

        func nextRealBatch() -> RealBatch? {
            guard trainer.progress.batchPosition < batches.count else { return nil }
            defer { trainer.progress.batchPosition += 1 }
            return batches.batch(at: trainer.progress.batchPosition, progress: &trainer.progress, rows: trainer.localRows(ofBatch:))
        }

        func generatorRows(ofBatch count: Int) -> Range<Int> { trainer.localRows(ofBatch: count) }
    }
    /// Logs `--eval-every`'s metrics when they are due after this step or epoch.
    private func evaluateIfDue(epochEnded: Bool) throws(TrainingError) {
        // Only the writing rank of a data-parallel run evaluates: the work changes no shared state.
        guard isWriter, let entry = try evaluation.entryIfDue(self, epochEnded: epochEnded) else { return }
        try log.append(entry)
        board?.record(entry, step: entry.step)
    }

    private func requireFinite(_ loss: Float, _ name: String) throws(TrainingError) {
        guard loss.isFinite else {
            reporter.finish()
            throw .diverged(what: "\(name) is \(loss.isNaN ? "NaN" : "\(loss)")", step: progress.step + 1, epoch: progress.epoch + 1,
                            kept: keptCheckpointNote)
        }
    }

    private var keptCheckpointNote: String {
        guard let checkpointStep else { return "no checkpoint was written" }
        return "the last good checkpoint (step \(checkpointStep)) is kept in \(run.checkpointsURL.path)"
    }

    private func finishEpoch(lastImages: Tensor) throws(TrainingError) {
        reporter.finish()
        try summariseEpoch(lastImages: lastImages, partial: false)
        progress.beginNextEpoch()
        diagnostics?.reset()
        try writeCheckpoint()
    }

    /// The means and grids of the epoch so far, when the run stops inside it.
    private func summarisePartialEpoch(lastImages: Tensor) throws(TrainingError) {
        try summariseEpoch(lastImages: lastImages, partial: true)
    }

    /// Prints and logs the epoch's mean losses and draws the last images and the fixed noise's.
    private func summariseEpoch(lastImages: Tensor, partial: Bool) throws(TrainingError) {
        guard isWriter else { return }
        let totals = progress.totals
        info(String(format: "total_D_loss:%.4f,total_G_loss:%.4f,total_gp:%.4f",
                    totals.meanCriticLoss, totals.meanGeneratorLoss, totals.meanPenalty) + (partial ? " (epoch so far)" : ""))
        var entry = TrainingLog.EpochEntry(epoch: progress.epoch + 1, step: progress.step, criticLoss: totals.meanCriticLoss,
                                           generatorLoss: totals.meanGeneratorLoss, penalty: totals.meanPenalty,
                                           seconds: totals.seconds)
        entry.trainingSeconds = progress.trainingSeconds
        entry.partial = partial ? true : nil
        entry.criticGradientNorms = diagnostics?.means
        if models.classCount > 0 {
            (entry.acganLoss, entry.acganRealAccuracy, entry.acganFakeAccuracy) =
                (totals.meanACGANLoss, totals.meanACGANRealAccuracy, totals.meanACGANFakeAccuracy)
            info(String(format: "acgan_loss:%.4f,acgan_acc_real:%.4f,acgan_acc_fake:%.4f", totals.meanACGANLoss,
                        totals.meanACGANRealAccuracy, totals.meanACGANFakeAccuracy) + (partial ? " (epoch so far)" : ""))
        }
        if diagnostics != nil {
            let weights = CriticDiagnostics.weights(of: models.critic)
            try WeightHistogram.write(weights, title: "critic weights, epoch \(progress.epoch + 1)",
                                      to: run.weightHistogramURL(epoch: progress.epoch + 1, stoppedAt: partial ? progress.step : nil))
            board?.histograms(weights, step: progress.step)
        }
        // The source adds what it measures (a toy run's mode coverage), then draws its pictures.
        try data.source.finishEpoch(of: self, lastSamples: lastImages, partial: partial, entry: entry) { (entry) throws(TrainingError) in
            try log.append(entry)
            if let board {
                board.record(entry, step: entry.step, extra: board.epochExtras(generatorSteps: totals.generatorSteps, seconds: totals.seconds))
            }
        }
    }

    /// The generator's images of the fixed noise with running statistics (evaluation mode); a
    /// conditional generator's with the classes 0, 1, …, K−1 repeated (`ImageSource.fixedLabels`).
    public func fixedNoiseImages() -> Tensor {
        models.generator.eval()
        defer { models.generator.train() }
        let classes = models.classCount
        let labels = classes > 0 ? ImageSource.fixedLabels(count: fixedNoise.shape[0], classes: classes) : nil
        return withoutGrad { models.generator.generate(fixedNoise, labels: labels) }
    }

    /// Writes a checkpoint inside the epoch when `--checkpoint-minutes` have passed since the last
    /// one (an epoch's end writes one anyway), so that a killed run loses at most that much work.
    private func checkpointIfDue() throws(TrainingError) {
        let time = now()
        if checkpointTime == nil { checkpointTime = time }
        var due = time - (checkpointTime ?? time) >= config.checkpointMinutes * 60 && checkpointStep != progress.step
        // Ranks decide together (every rank, every step), so that they check their weights at the same step.
        if let dataParallel { due = dataParallel.communicator.any(due) }
        if due { try writeCheckpoint() }
    }

    /// Writes the three checkpoint files, each atomically, unless a weight is not finite.
    func writeCheckpoint() throws(TrainingError) {
        if let entry = models.firstNonFiniteEntry {
            throw .diverged(what: "\(entry) holds a NaN or an infinity", step: progress.step,
                            epoch: progress.epoch + (isComplete ? 0 : 1), kept: keptCheckpointNote)
        }
        guard isWriter else {
            (checkpointStep, checkpointTime) = (progress.step, now())  // rank 0 wrote it
            return
        }
        do {
            try ModelStateFile.write(set: [
                (ModelStateFile.contents(of: models.generator, role: .generator, spec: models.spec), run.generatorURL),
                (ModelStateFile.contents(of: models.critic, role: .critic, spec: models.spec), run.criticURL),
                (TrainingStateFile.contents(config: config, models: models, progress: progress, fixedNoise: fixedNoise,
                                            pixelChecksum: data.pixelChecksum), run.trainingStateURL),
            ])
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .output(path: run.checkpointsURL.path, failure: error)
        }
        checkpointStep = progress.step
        checkpointTime = now()
    }
}
