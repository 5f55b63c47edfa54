import WGANEngine
import WGANModels
import WGANNN

/// A trainer's part in data-parallel training over several ranks (processes), each with the same
/// models, seed and random streams: every rank takes its slice of each global batch (consecutive
/// rows, as even as the batch allows), the steps sum their gradients over the ranks before each
/// update (`BucketedAllReduce`), and BatchNorm normalises over every rank's rows together, so
/// that N ranks train the model one process would train on the whole batch.
public final class DataParallel {
    public let communicator: Communicator
    let reduction: BucketedAllReduce

    /// Joins `models` to the other ranks: their step's gradients and (unless
    /// `synchronisedBatchNorm` is false, to measure what it is for) their BatchNorm statistics.
    init(communicator: Communicator, models: TrainingModels, synchronisedBatchNorm: Bool = true) {
        self.communicator = communicator
        reduction = BucketedAllReduce(communicator: communicator)
        models.step.gradientReduction = reduction
        for module in [models.generator as Module, models.critic] where synchronisedBatchNorm {
            for layer in module.batchStatisticsLayers { layer.communicator = communicator }
        }
    }

    /// Rank 0 alone writes the run folder, the log, the grids and the progress.
    public var isWriter: Bool { communicator.rank == 0 }

    /// This rank's rows of a global batch of `count` rows; the losses are scaled by its share.
    func shard(ofBatch count: Int) -> Range<Int> {
        let rows = Self.rows(ofBatch: count, rank: communicator.rank, size: communicator.size)
        reduction.localShare = Float(rows.count) / Float(count)
        return rows
    }

    /// Rank `rank`'s rows of a batch of `count` rows shared by `size` ranks.
    static func rows(ofBatch count: Int, rank: Int, size: Int) -> Range<Int> {
        (count * rank / size)..<(count * (rank + 1) / size)
    }

    /// Throws unless runs with `config` can be shared by `size` ranks: checked before anything is
    /// written (the epoch's last batch is checked once the data is loaded, by `checkBatches`).
    static func check(_ config: TrainingConfig, size: Int) throws(DistributedError) {
        if config.fixedGenerator {
            throw DistributedError("--fixed-generator trains no generator to share between ranks; run it as one process")
        }
        // One batch's worth of images checks the batch size alone.
        try checkBatches(items: config.batchSize, batchSize: config.batchSize, size: size)
    }

    /// Throws unless every batch of an epoch of `items` images in batches of `batchSize` gives each
    /// of `size` ranks at least one row (the epoch's last batch may be smaller).
    static func checkBatches(items: Int, batchSize: Int, size: Int) throws(DistributedError) {
        let last = items % batchSize == 0 ? batchSize : items % batchSize
        guard min(batchSize, last) >= size else {
            let which = batchSize < size ? "--batch-size \(batchSize)" : "the epoch's last batch (\(last) of \(items) images)"
            throw DistributedError("\(which) cannot be shared by \(size) ranks: each needs at least one image; "
                                   + "use a --batch-size of at least \(size) that leaves no smaller last batch, or fewer ranks")
        }
    }
}

extension Trainer {
    /// Whether this process writes files and progress: a single process, or rank 0.
    var isWriter: Bool { dataParallel?.isWriter ?? true }

    /// The rows of a global batch of `count` rows this process trains on.
    func localRows(ofBatch count: Int) -> Range<Int> { dataParallel?.shard(ofBatch: count) ?? 0..<count }
}
