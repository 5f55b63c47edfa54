import Foundation
import WGANData
import WGANEngine
import WGANEval
import WGANFiles
import WGANModels

/// `wgan train --eval-every N`: every N epochs (N generator iterations for runs measured in
/// `--iterations`), one `log.jsonl` line about `--eval-count` generator samples (eval mode). For
/// MNIST and Fashion-MNIST: FID, the classifier's Inception score, the confident share and the
/// class histogram, and the official scripts' dev-set critic cost. For other images: FID, the
/// Inception score and its spread, and KID, from the FID Inception network against
/// `--eval-reference` (default: the training images).
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
        let count: Int
        /// Training time since the run began, when the samples were drawn.
        var trainingSeconds: Double?
        // The classifier's (MNIST, Fashion-MNIST):
        var confident: Double?
        var classes: [Int]?
        /// Mean over the test split of D(G(z)) − D(real) + λ·GP, each test batch with fresh z and α.
        var devCriticLoss: Double?
        // The Inception network's (other images):
        var inceptionScoreSpread: Double?
        var kid: Double?
        var kidSpread: Double?

        enum CodingKeys: String, CodingKey {
            case step, epoch, fid, confident, classes, kid, trainingSeconds = "training_seconds"
            case inceptionScore = "inception_score", count = "eval_count", devCriticLoss = "dev_D_loss"
            case inceptionScoreSpread = "inception_score_std", kidSpread = "kid_std"
        }
    }

    private let config: TrainingConfig
    private var evaluator: Evaluator?
    /// The FID Inception network and the reference, for images the shipped classifiers do not judge.
    private var inception: (network: InceptionNetwork, reference: InceptionReference)?

    init(config: TrainingConfig) { self.config = config }

    /// Refuses, before training starts, a colour run's `--eval-every` whose Inception weights or
    /// reference cannot be found, rather than at its first evaluation an epoch later.
    static func checkReady(_ config: TrainingConfig, data: TrainingData) throws(TrainingError) {
        guard config.evalEvery != nil, data.images != nil, !usesClassifier(data) else { return }
        do {
            let weights = try InceptionWeights.locate(flag: config.inception)
            for (flag, path) in [("--inception", weights.path), ("--eval-reference", config.evalReference)] {
                if let path, Files.entry(at: path) == nil { throw TrainingError.invalidSetting("\(flag): \(path) does not exist") }
            }
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .invalidSetting("--eval-every: \(error)")
        }
    }

    /// The entry for the state `trainer` is in, when an evaluation is due there: at a step that is
    /// a multiple of N in an `--iterations` run, at the end of every Nth epoch otherwise.
    func entryIfDue(_ trainer: Trainer, epochEnded: Bool) throws(TrainingError) -> Entry? {
        guard let every = config.evalEvery else { return nil }
        let progress = trainer.progress
        let due = config.iterations == nil ? epochEnded && progress.epoch % every == 0 : !epochEnded && progress.step % every == 0
        guard due else { return nil }
        do {
            guard var entry = try entry(trainer) else { return nil }
            entry.trainingSeconds = trainer.progress.trainingSeconds
            return entry
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .invalidSetting("--eval-every: \(error)")
        }
    }

    /// G(z) for samples `start`, `start + 1`, …; a conditional generator's classes cycle through
    /// 0…K−1 from sample 0, so that every evaluation sees the classes equally often.
    static func samples(_ generator: any ImageGenerator, _ z: Tensor, from start: Int) -> Tensor {
        let classes = generator.classCount
        return generator.generate(z, labels: classes > 0 ? (0..<z.shape[0]).map { (start + $0) % classes } : nil)
    }

    /// Whether the shipped classifiers judge `data`: MNIST's and Fashion-MNIST's own files.
    static func usesClassifier(_ data: TrainingData) -> Bool {
        [DatasetName.mnist.rawValue, DatasetName.fashionMNIST.rawValue].contains(data.name)
    }

    /// The entry, or nil when a stopping signal arrives while the samples are scored: a large
    /// `--eval-count` must not keep Ctrl-C from stopping the run at its next step.
    private func entry(_ trainer: Trainer) throws -> Entry? {
        guard Self.usesClassifier(trainer.data) else { return try inceptionEntry(trainer) }
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
            try measurement.add(GeneratorSampler.unitRange(withoutGrad { Self.samples(generator, z, from: start) }, from: models.model.pixelValues))
        }
        let report = try evaluator.report(measurement)
        return Entry(step: step, epoch: config.iterations == nil ? trainer.progress.epoch : nil, fid: report.fid,
                     inceptionScore: report.scores.inceptionScore, count: config.evalCount, confident: report.scores.confident,
                     classes: report.scores.classes, devCriticLoss: try devCriticLoss(models, test: evaluator.test, random: &random))
    }

    /// A colour run's entry: the samples through the FID Inception network, against the reference.
    private func inceptionEntry(_ trainer: Trainer) throws -> Entry? {
        let models = trainer.models, step = trainer.progress.step
        let (network, reference) = try inception ?? loadInception(trainer)
        inception = (network, reference)
        var random = RandomGenerator(seed: config.seed &+ 0x6576_616C &* UInt64(step + 1))
        let generator = models.generator
        generator.eval()
        defer { generator.train() }
        var measurement = try InceptionMeasurement(count: config.evalCount)
        for start in stride(from: 0, to: config.evalCount, by: InceptionNetwork.batchSize) {
            guard !InterruptSignal.isRequested else { return nil }
            let z = Tensor.randn([min(config.evalCount, start + InceptionNetwork.batchSize) - start, config.latentDimension], using: &random)
            try measurement.add(GeneratorSampler.unitRange(withoutGrad { Self.samples(generator, z, from: start) }, from: models.model.pixelValues),
                                network: network)
        }
        let report = try measurement.report(against: reference)
        return Entry(step: step, epoch: config.iterations == nil ? trainer.progress.epoch : nil, fid: report.fid,
                     inceptionScore: report.inceptionScore.mean, count: config.evalCount,
                     inceptionScoreSpread: report.inceptionScore.standardDeviation, kid: report.kid?.mean, kidSpread: report.kid?.standardDeviation)
    }

    /// The network from `--inception` (or `$WGAN_INCEPTION`) and the reference from
    /// `--eval-reference`, or the training images' features (computed once, then cached).
    private func loadInception(_ trainer: Trainer) throws -> (InceptionNetwork, InceptionReference) {
        let network = try InceptionNetwork(weights: InceptionWeights.read(InceptionWeights.locate(flag: config.inception)))
        let side = trainer.data.imageShape.last ?? 32
        if let path = config.evalReference {
            return (network, try InceptionReferenceSet.reference(at: URL(fileURLWithPath: path), side: side, network: network,
                                                                  cacheFolder: InceptionReferenceSet.defaultCacheFolder()))
        }
        guard let images = trainer.data.images else { throw TrainingError.invalidSetting("--eval-every: this run has no images to compare with") }
        return (network, try InceptionReferenceSet.reference(of: images, network: network, cacheFolder: InceptionReferenceSet.defaultCacheFolder()))
    }

    /// The critic's loss over the whole test split in batches of `--batch-size`, with the
    /// generator in eval mode; the penalty's λ·GP included for `--loss gp`, the discriminator's
    /// own loss for `gan` and `lsgan`.
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
            let fake = withoutGrad { Self.samples(models.generator, z, from: start) }
            var loss = withoutGrad {
                let (criticReal, criticFake) = (models.critic(real), models.critic(fake))
                return Double(config.trainingLoss.discriminatorObjective?.discriminatorLoss(real: criticReal, fake: criticFake).item
                              ?? criticFake.mean().item - criticReal.mean().item)
            }
            if let penalty {
                let interpolates = GradientPenalty.interpolates(real: real, fake: fake, alpha: alpha, form: models.model.interpolation)
                loss += config.lambda * Double(penalty(critic: models.critic.callAsFunction, interpolates: interpolates).penalty.item)
            }
            total += loss * Double(indices.count)
        }
        return total / Double(test.count)
    }
}
