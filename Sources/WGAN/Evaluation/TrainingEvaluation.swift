import Foundation
import WGANData
import WGANEngine
import WGANEval
import WGANModels

/// `wgan train --eval-every N`: every N epochs (N generator iterations for runs measured in
/// `--iterations`), FID, the classifier's Inception score, the confident share and the class
/// histogram of `--eval-count` generator samples (eval mode), and the official scripts' dev-set
/// critic cost, as one `log.jsonl` line.
///
/// It draws from its own random generator, seeded by the run's seed and the step, and leaves the
/// models as it found them (eval-mode generator, no updates), so a run with evaluations trains to
/// the same weights as one without, and a resumed run logs the same numbers.
final class TrainingEvaluation {
    /// One evaluation's line in `log.jsonl`.
    struct Entry: Encodable {
        let step: Int
        /// Whole epochs done, for runs measured in epochs.
        let epoch: Int?
        let fid: Double
        let inceptionScore: Double
        let confident: Double
        let classes: [Int]
        let count: Int
        /// Mean over the test split of D(G(z)) − D(real) + λ·GP, each test batch with fresh z and α.
        let devCriticLoss: Double

        enum CodingKeys: String, CodingKey {
            case step, epoch, fid, confident, classes
            case inceptionScore = "inception_score", count = "eval_count", devCriticLoss = "dev_D_loss"
        }
    }

    private let config: TrainingConfig
    private var evaluator: Evaluator?

    init(config: TrainingConfig) { self.config = config }

    /// The entry for the state `trainer` is in, when an evaluation is due there: at a step that is
    /// a multiple of N in an `--iterations` run, at the end of every Nth epoch otherwise.
    func entryIfDue(_ trainer: Trainer, epochEnded: Bool) throws(TrainingError) -> Entry? {
        guard let every = config.evalEvery else { return nil }
        let progress = trainer.progress
        let due = config.iterations == nil ? epochEnded && progress.epoch % every == 0 : !epochEnded && progress.step % every == 0
        guard due else { return nil }
        do {
            return try entry(trainer)
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .invalidSetting("--eval-every: \(error)")
        }
    }

    /// The entry, or nil when a stopping signal arrives while the samples are scored: a large
    /// `--eval-count` must not keep Ctrl-C from stopping the run at its next step.
    private func entry(_ trainer: Trainer) throws -> Entry? {
        let evaluator = try self.evaluator ?? Evaluator(dataset: config.datasetName,
                                                        dataDirectory: config.dataDirectory.map { URL(fileURLWithPath: $0) })
        self.evaluator = evaluator
        let models = trainer.models, step = trainer.progress.step
        var random = RandomGenerator(seed: config.seed &+ 0x6576_616C &* UInt64(step + 1))
        let generator = models.generator
        generator.eval()
        defer { generator.train() }
        // Drawn and scored a batch at a time, so that memory does not grow with --eval-count.
        var measurement = try evaluator.measurement()
        for start in stride(from: 0, to: config.evalCount, by: Evaluator.batchSize) {
            guard !InterruptSignal.isRequested else { return nil }
            let z = Tensor.randn([min(config.evalCount, start + Evaluator.batchSize) - start, config.latentDimension], using: &random)
            try measurement.add(GeneratorSampler.unitRange(withoutGrad { generator(z) }, from: models.model.pixelValues))
        }
        let report = try evaluator.report(measurement)
        return Entry(step: step, epoch: config.iterations == nil ? trainer.progress.epoch : nil, fid: report.fid,
                     inceptionScore: report.scores.inceptionScore, confident: report.scores.confident, classes: report.scores.classes,
                     count: config.evalCount, devCriticLoss: try devCriticLoss(models, test: evaluator.test, random: &random))
    }

    /// The critic's loss over the whole test split in batches of `--batch-size`, with the
    /// generator in eval mode; the penalty's λ·GP included for `--loss gp`.
    private func devCriticLoss(_ models: TrainingModels, test: ImageDataset, random: inout RandomGenerator) throws -> Double {
        let penalty = config.trainingLoss == .gradientPenalty ? GradientPenalty(norm: config.penalty) : nil
        let range: PixelRange = models.model.pixelValues == .unit ? .unit : .symmetric
        var total = 0.0
        for start in stride(from: 0, to: test.count, by: config.batchSize) {
            let indices = Array(start..<min(test.count, start + config.batchSize))
            let storage = TensorStorage(uninitializedCount: indices.count * test.pixelsPerImage)
            try test.gather(indices, into: storage.buffer, range: range)
            let real = Tensor(storage: storage, shape: [indices.count, test.channels, test.height, test.width])
            let z = Tensor.randn([indices.count, config.latentDimension], using: &random)
            let alpha = Tensor.uniform([indices.count, 1], using: &random)
            let fake = withoutGrad { models.generator(z) }
            var loss = withoutGrad { Double(models.critic(fake).mean().item - models.critic(real).mean().item) }
            if let penalty {
                let interpolates = GradientPenalty.interpolates(real: real, fake: fake, alpha: alpha, form: models.model.interpolation)
                loss += config.lambda * Double(penalty(critic: models.critic.callAsFunction, interpolates: interpolates).penalty.item)
            }
            total += loss * Double(indices.count)
        }
        return total / Double(test.count)
    }
}
