import Foundation
import WGANData
import WGANEngine
import WGANModels

/// What a run draws its real samples from, and what it shows at the end of an epoch. The trainer,
/// the session and the resume check see only this: `ImageSource` (a dataset's images, in an order
/// drawn when each epoch begins) and `PointSource` (a toy experiment's 2-D points) conform, and
/// another kind of data (text) is another conformer.
public protocol TrainingSource: Sendable {
    /// The shape of one sample, [C, H, W] or [2]: what the generator must make.
    var sampleShape: [Int] { get }
    /// Samples the source holds, or nil for one drawn afresh for every batch.
    var sampleCount: Int? { get }
    /// One line for the start of a run: "MNIST, 60000 images 28×28 from <folder>".
    var summary: String { get }
    /// Batches in one epoch.
    func batchCount(config: TrainingConfig) -> Int
    /// Latent vectors drawn once per run for the pictures that compare epochs.
    func fixedNoiseCount(config: TrainingConfig) -> Int
    /// The epoch's batches, from what `progress` holds (drawing what the epoch needs into it).
    func epochBatches(_ progress: inout TrainingProgress, config: TrainingConfig, pixels: PixelValues) throws(TrainingError) -> any EpochBatches
    /// Why a checkpoint's progress cannot continue on this source, or nil.
    func problem(resuming progress: TrainingProgress, config: TrainingConfig) -> String?
    /// Ends an epoch (or part of one): adds what it measures to `entry` (saying so), logs it
    /// through `log`, then draws the epoch's pictures into the run folder.
    func finishEpoch(of trainer: Trainer, lastSamples: Tensor, partial: Bool, entry: TrainingLog.EpochEntry,
                     log: (TrainingLog.EpochEntry) throws(TrainingError) -> Void) throws(TrainingError)
}

/// One epoch's real batches.
public protocol EpochBatches {
    var count: Int { get }
    /// Batch `position`: this process's rows of it (`rows(count)` for a batch of `count`).
    func batch(at position: Int, progress: inout TrainingProgress, rows: (Int) -> Range<Int>) -> RealBatch
}

/// A dataset's images, visited in an order drawn with the run's data stream when each epoch begins.
struct ImageSource: TrainingSource {
    let dataset: ImageDataset
    let summary: String
    /// The classes of a conditional run, in label order (the dataset's labels index them); nil otherwise.
    var classNames: [String]? = nil

    var sampleShape: [Int] { [dataset.channels, dataset.height, dataset.width] }
    var sampleCount: Int? { dataset.count }

    func batchCount(config: TrainingConfig) -> Int { Batches.count(items: dataset.count, batchSize: config.batchSize) }

    /// A 5×5 grid; a conditional run's shows 10 rows of every class (`fixedLabels`).
    func fixedNoiseCount(config: TrainingConfig) -> Int { classNames.map { 10 * $0.count } ?? 25 }

    /// The classes of a conditional run's fixed noise: 0, 1, …, K−1 repeated (the official
    /// `np.tile(np.arange(10), 10)`), so that each row of its grid holds every class in order.
    static func fixedLabels(count: Int, classes: Int) -> [Int] { (0..<count).map { $0 % classes } }

    func epochBatches(_ progress: inout TrainingProgress, config: TrainingConfig, pixels: PixelValues) throws(TrainingError) -> any EpochBatches {
        if progress.permutation.isEmpty { progress.permutation = progress.dataRandom.permutation(dataset.count) }
        do {
            return Images(dataset: dataset, batches: try dataset.batches(permutation: progress.permutation, batchSize: config.batchSize),
                          range: config.dequantize ? .dequantized : pixels == .unit ? .unit : .symmetric, labelled: classNames != nil)
        } catch {
            throw .unsuitableDataset(error.description)
        }
    }

    func problem(resuming progress: TrainingProgress, config: TrainingConfig) -> String? {
        guard progress.permutation.isEmpty || progress.permutation.count == dataset.count else {
            return "its epoch order covers \(progress.permutation.count) images but the dataset now has \(dataset.count); resume with the same data"
        }
        // An epoch's order is drawn when it begins: a position inside one comes with its order.
        return progress.permutation.isEmpty && progress.batchPosition != 0 ? TrainingData.positionProblem(progress) : nil
    }

    func finishEpoch(of trainer: Trainer, lastSamples: Tensor, partial: Bool, entry: TrainingLog.EpochEntry,
                     log: (TrainingLog.EpochEntry) throws(TrainingError) -> Void) throws(TrainingError) {
        try log(entry)
        let (epoch, step, run) = (trainer.progress.epoch + 1, trainer.progress.step, trainer.run)
        // A partial epoch's grids name the step it stopped at.
        let (last, fixed) = partial ? (run.sampleURL(epoch: epoch, stoppedAt: step), run.fixedSampleURL(epoch: epoch, stoppedAt: step))
            : (run.sampleURL(epoch: epoch), run.fixedSampleURL(epoch: epoch))
        try SampleGrid.write(lastSamples, count: min(25, lastSamples.shape[0]), nrow: 5, to: last)
        try SampleGrid.write(trainer.fixedNoiseImages(), count: trainer.fixedNoise.shape[0], nrow: classNames?.count ?? 5, to: fixed)
        trainer.board?.image(at: fixed, tag: "samples/fixed_noise", step: step)
    }

    /// The batches of one epoch's order, gathered straight into each tensor's storage.
    struct Images: EpochBatches {
        let dataset: ImageDataset
        let batches: Batches
        let range: PixelRange
        /// Whether batches carry their images' classes (a conditional run).
        var labelled = false

        var count: Int { batches.count }

        func batch(at position: Int, progress: inout TrainingProgress, rows: (Int) -> Range<Int>) -> RealBatch {
            let indices = batches[position]
            let kept = rows(indices.count)
            let mine = indices.dropFirst(kept.lowerBound).prefix(kept.count)
            let storage = TensorStorage(uninitializedCount: mine.count * dataset.pixelsPerImage)
            do {
                try dataset.gather(mine, into: storage.buffer, range: range)
            } catch {
                // The batches come from a checked permutation into a buffer of the batch's size.
                preconditionFailure("gathering a batch failed: \(error)")
            }
            if range == .dequantized { Self.addDequantizationNoise(to: storage, rows: kept, of: indices.count, dataset: dataset, &progress) }
            return RealBatch(samples: Tensor(storage: storage, shape: [mine.count, dataset.channels, dataset.height, dataset.width]),
                             count: indices.count, rows: kept, labels: labelled ? mine.map { Int(dataset.labels[$0]) } : nil)
        }

        /// Adds U[0, 1/128) to every pixel of this process's rows, drawn from the run's data stream
        /// for the whole batch (every rank draws all of it, so the stream stays one process's).
        static func addDequantizationNoise(to storage: TensorStorage, rows: Range<Int>, of count: Int, dataset: ImageDataset,
                                           _ progress: inout TrainingProgress) {
            let pixels = dataset.pixelsPerImage, destination = storage.pointer
            for row in 0..<count {
                for offset in 0..<pixels {
                    let noise = progress.dataRandom.uniform() / 128
                    if rows.contains(row) { destination[(row - rows.lowerBound) * pixels + offset] += noise }
                }
            }
        }
    }
}

/// A toy experiment's 2-D points; its "epoch" is the `--frame-every` iterations between frames.
struct PointSource: TrainingSource {
    let points: ToyPoints

    var sampleShape: [Int] { [2] }
    var sampleCount: Int? { points.fixedCount }
    var summary: String { points.summary }

    func batchCount(config: TrainingConfig) -> Int {
        let (product, overflow) = config.frameEvery.multipliedReportingOverflow(by: config.criticSteps)
        return overflow ? Int.max : product
    }

    /// A frame shows a batch of points.
    func fixedNoiseCount(config: TrainingConfig) -> Int { config.batchSize }

    func epochBatches(_ progress: inout TrainingProgress, config: TrainingConfig, pixels: PixelValues) throws(TrainingError) -> any EpochBatches {
        Points(points: points, count: batchCount(config: config), epoch: progress.epoch, size: config.batchSize)
    }

    func problem(resuming progress: TrainingProgress, config: TrainingConfig) -> String? {
        guard progress.permutation.isEmpty else { return "it holds an image order, but the run trains on 2-D points" }
        return nil
    }

    func finishEpoch(of trainer: Trainer, lastSamples: Tensor, partial: Bool, entry: TrainingLog.EpochEntry,
                     log: (TrainingLog.EpochEntry) throws(TrainingError) -> Void) throws(TrainingError) {
        var entry = entry
        let snapshot = ToySnapshot(models: trainer.models, points: points, fixedNoise: trainer.fixedNoise, config: trainer.config)
        if let coverage = snapshot.coverage {
            entry.modesCovered = coverage.coveredModes
            entry.highQuality = coverage.highQualityShare
            trainer.info("modes covered: \(coverage.coveredModes) of \(coverage.highQualityPerMode.count), high-quality samples: "
                         + String(format: "%.1f%%", 100 * coverage.highQualityShare))
        }
        try log(entry)
        let step = trainer.progress.step
        try ToyFrame.write(snapshot, title: "\(points.dataset), iteration \(step)", to: [trainer.run.frameURL(step: step), trainer.run.figureURL])
        trainer.board?.image(at: trainer.run.frameURL(step: step), tag: "samples/frame", step: step)
    }

    /// Point batches drawn with the run's data stream (or read from the 25-Gaussian set), each
    /// drawn whole, as one process would, to keep the stream the same on every rank.
    struct Points: EpochBatches {
        let points: ToyPoints
        let count: Int
        let epoch: Int
        let size: Int

        func batch(at position: Int, progress: inout TrainingProgress, rows: (Int) -> Range<Int>) -> RealBatch {
            // Only the 25-Gaussian set reads the index, modulo its batches: wrapping is harmless.
            let batch = points.batch(index: epoch &* count &+ position, size: size, using: &progress.dataRandom)
            let kept = rows(batch.shape[0])
            return RealBatch(samples: batch.keeping(rows: kept), count: batch.shape[0], rows: kept)
        }
    }
}
