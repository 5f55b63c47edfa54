import Foundation
import WGANData
import WGANEngine
import WGANModels
import WGANOptim

/// Every setting of a training run: what `config.json` records and what a checkpoint carries, so
/// that `--resume` continues with exactly the settings the run started with.
///
/// The defaults are the seed script's (the `seed` preset: the seed's MLPs on the vendored MNIST).
/// Each field is declared as a setting in `TrainingSetting.all`, which gives its flag, its JSON
/// key and its help; the model is any `GANModel` of the run's catalogue.
public struct TrainingConfig: Codable, Equatable, Sendable {
    /// `mnist`, `fashion-mnist`, `cifar10`, `images` (a folder of pictures) or a toy set
    /// (`8gaussians`, `25gaussians`, `swissroll`); read from `dataDirectory` when that is set.
    public var dataset = DatasetName.mnist.rawValue
    public var dataDirectory: String?
    /// Train on the first `imageLimit` images only (quick runs and tests).
    public var imageLimit: Int?
    public var latentDimension = 100
    public var batchSize = 64
    public var epochs = 100
    public var criticLearningRate = 4e-3
    public var generatorLearningRate = 1e-3
    public var beta1 = 0.9
    public var beta2 = 0.999
    public var lambda = 10.0
    public var penaltyNorm = PenaltyNorm.sample.rawValue
    /// Critic steps per generator step (the paper's n_critic).
    public var criticSteps = 1
    public var preset = ModelCatalogue.builtIn.presets[0].preset.name
    /// Stop after this many generator steps in all (counted from the run's start).
    public var maxSteps: Int?
    public var seed: UInt64 = 0
    public var threads = TrainingConfig.defaultThreads
    /// Also log the losses every this many generator steps.
    public var logEvery: Int?
    /// Write a checkpoint inside an epoch once this many minutes have passed since the last one.
    public var checkpointMinutes = 10.0
    /// The model pair (a `GANModel`'s name in the run's catalogue).
    public var model = ModelCatalogue.builtIn.defaultModel.name
    /// The convolutional models' base width (the official code's DIM).
    public var width = 64
    /// Train for this many generator iterations (the paper's unit) instead of `epochs`.
    public var iterations: Int?
    /// The critic's loss: `gp` (WGAN-GP) or `clip` (the original WGAN's weight clipping).
    public var loss = TrainingLoss.gradientPenalty.rawValue
    /// The clipping bound c of `--loss clip`.
    public var clip = 0.01
    /// Log FID, Inception score and the dev-set critic cost every this many epochs (iterations
    /// for runs measured in `--iterations`).
    public var evalEvery: Int?
    /// Generator samples each `--eval-every` evaluation scores.
    public var evalCount = 10_000
    /// The FID Inception network's weights for a colour run's evaluations (default `$WGAN_INCEPTION`).
    public var inception: String?
    /// What a colour run's evaluations compare with: a folder or a `.npz` of `mu` and `sigma`
    /// (default: the images it trains on).
    public var evalReference: String?
    /// Toy runs: the "generator" is real points plus N(0, 1) noise, and only the critic trains.
    public var fixedGenerator = false
    /// Toy runs: generator iterations between two frames (a toy run's "epoch").
    public var frameEvery = 1000
    /// Log each critic layer's gradient norm and draw the critic's weight histogram every epoch.
    public var diagnostics = false
    /// Write TensorBoard event files into the run's `tensorboard/` folder.
    public var tensorboard = true
    /// An image folder's images are made this many pixels square (default: the model's size).
    public var imageSize: Int?
    /// An image folder's images are made grey (1) or RGB (3) (default: from the files).
    public var channels: Int?
    /// Stop at an image file that cannot be decoded instead of skipping it.
    public var strict = false
    /// How the learning rates fall over `iterations`: `none` or `linear` (to 0 at the last).
    public var learningRateDecay = LearningRateDecay.none.rawValue
    /// Latent vectors per generator step; nil: the critic's batch size.
    public var generatorBatchSize: Int?
    /// Real pixels as the official ResNet code reads them: 2·(x/256 − 0.5) plus uniform noise in
    /// [0, 1/128), instead of 2·(x/255) − 1.
    public var dequantize = false
    /// The conditional model (AC-WGAN-GP): each image's class goes to the generator and to the
    /// critic's AC-GAN head.
    public var conditional = false

    /// The machine's core count: each of OpenBLAS's threads wants a core of its own.
    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    public init() {}

    /// The dataset, once `validate()` has accepted the name (MNIST for a toy run).
    public var datasetName: DatasetName { DatasetName(rawValue: dataset) ?? .mnist }

    /// The toy dataset, for a toy run.
    public var toyDataset: ToyDataset? { ToyDataset.named(dataset) }

    /// The critic's loss, once `validate()` has accepted the name.
    public var trainingLoss: TrainingLoss { TrainingLoss(rawValue: loss) ?? .gradientPenalty }

    /// The model pair in `catalogue`.
    ///
    /// - Throws: `TrainingError.invalidSetting` for a name the catalogue does not list.
    public func model(in catalogue: ModelCatalogue = .builtIn) throws(TrainingError) -> any GANModel {
        guard let found = catalogue.named(model) else { throw .invalidSetting(catalogue.unknownModelMessage(model)) }
        return found
    }

    /// The models' shapes for images of `imageShape`. A critic that normalises (`dcgan64`) uses
    /// layer norm under the penalty and BatchNorm otherwise, as the official `Normalize` does.
    public func modelSpec(imageShape: [Int], classNames: [String]? = nil) -> ModelSpec {
        ModelSpec(model: model, latentDimension: latentDimension, width: width, imageShape: imageShape,
                  classNames: conditional ? classNames : nil,
                  criticNormalization: trainingLoss == .gradientPenalty ? nil : .batch)
    }

    /// Whether generator step `step` ends the run's length (`iterations`; `epochs` end elsewhere).
    public func isLastIteration(_ step: Int) -> Bool { iterations.map { step >= $0 } == true }

    /// The learning-rate schedule, once `validate()` has accepted the name.
    public var decay: LearningRateDecay { LearningRateDecay(rawValue: learningRateDecay) ?? .none }

    /// The factors of the base learning rates for the iteration after `completed` generator steps.
    public func learningRateFactors(completedGeneratorSteps completed: Int) -> (critic: Double, generator: Double) {
        guard let iterations else { return (1, 1) }
        return decay.factors(completedGeneratorSteps: completed, of: iterations)
    }

    /// The penalty variant, once `validate()` has accepted the name.
    public var penalty: PenaltyNorm { PenaltyNorm(rawValue: penaltyNorm) ?? .sample }

    /// Throws `TrainingError.invalidSetting` naming the first setting that cannot work, the
    /// model and preset looked up in `catalogue`.
    public func validate(in catalogue: ModelCatalogue = .builtIn) throws(TrainingError) {
        func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(TrainingError) {
            if !condition { throw .invalidSetting(message()) }
        }
        let names = DatasetName.allCases.map(\.rawValue) + ToyDataset.allCases.map(\.rawValue)
        try require(DatasetName(rawValue: dataset) != nil || toyDataset != nil,
                    "unknown dataset '\(dataset)' (expected \(names.dropLast().joined(separator: ", ")) or \(names[names.count - 1]))")
        try require(frameEvery >= 1, "--frame-every must be at least 1, got \(frameEvery)")
        if toyDataset != nil {
            try require(dataDirectory == nil && imageLimit == nil, "the toy datasets are drawn, not read: --data-dir and --limit do not apply")
        } else {
            try require(!fixedGenerator, "--fixed-generator is for the toy datasets (\(ToyDataset.names))")
        }
        let found = try model(in: catalogue)
        if conditional {
            try require(found.hasConditionalVariant, "--model \(model) has no conditional variant; --conditional needs --model "
                        + catalogue.conditionalModelNames)
            try require(loss == TrainingLoss.gradientPenalty.rawValue, "--conditional trains with the gradient penalty (AC-WGAN-GP), not --loss \(loss)")
        }
        _ = try TrainingPreset.named(preset, in: catalogue)
        try require(width >= 1, "--dim must be at least 1, got \(width)")
        try require(TrainingLoss(rawValue: loss) != nil, "unknown --loss '\(loss)' (expected \(TrainingLoss.names))")
        try require(clip > 0 && clip.isFinite, "--clip must be a positive number, got \(clip)")
        if let iterations { try require(iterations >= 1, "--iterations must be at least 1, got \(iterations)") }
        try require(PenaltyNorm(rawValue: penaltyNorm) != nil,
                    "unknown --gp-norm '\(penaltyNorm)' (expected sample or pixel)")
        try require(latentDimension >= 1, "--latent-dim must be at least 1, got \(latentDimension)")
        try require(batchSize >= 2, "--batch-size must be at least 2 (BatchNorm needs two samples per batch), got \(batchSize)")
        if let generatorBatchSize {
            try require(generatorBatchSize >= 2, "--generator-batch-size must be at least 2 (BatchNorm needs two samples per batch), "
                        + "got \(generatorBatchSize)")
        }
        try require(LearningRateDecay(rawValue: learningRateDecay) != nil,
                    "unknown --lr-decay '\(learningRateDecay)' (expected \(LearningRateDecay.allCases.map(\.rawValue).joined(separator: " or ")))")
        try require(decay == .none || iterations != nil, "--lr-decay \(learningRateDecay) needs --iterations (the decay ends there)")
        try require(epochs >= 1, "--epochs must be at least 1, got \(epochs)")
        try require(criticSteps >= 1, "--n-critic must be at least 1, got \(criticSteps)")
        for (flag, rate) in [("--lr-critic", criticLearningRate), ("--lr-generator", generatorLearningRate)] {
            try require(rate > 0 && rate.isFinite, "\(flag) must be a positive number, got \(rate)")
        }
        for (flag, beta) in [("--beta1", beta1), ("--beta2", beta2)] {
            try require(beta >= 0 && beta < 1, "\(flag) must be in [0, 1), got \(beta)")
        }
        try require(lambda >= 0 && lambda.isFinite, "--lambda must be a non-negative number, got \(lambda)")
        try require(threads >= 1, "--threads must be at least 1, got \(threads)")
        if let maxSteps { try require(maxSteps >= 1, "--max-steps must be at least 1, got \(maxSteps)") }
        if let logEvery { try require(logEvery >= 1, "--log-every must be at least 1, got \(logEvery)") }
        try require(checkpointMinutes > 0 && checkpointMinutes.isFinite,
                    "--checkpoint-minutes must be a positive number, got \(checkpointMinutes)")
        if let evalEvery { try require(evalEvery >= 1, "--eval-every must be at least 1, got \(evalEvery)") }
        try require(evalCount >= 2, "--eval-count must be at least 2, got \(evalCount)")
        if let imageLimit { try require(imageLimit >= 1, "--limit must be at least 1, got \(imageLimit)") }
        if let imageSize { try require((1...4096).contains(imageSize), "--image-size must be from 1 to 4096, got \(imageSize)") }
        if let channels { try require(channels == 1 || channels == 3, "--channels must be 1 or 3, got \(channels)") }
    }

    /// The settings as one line of JSON with sorted keys (the checkpoint's metadata).
    public func jsonString() -> String {
        String(decoding: (try? JSONCoding.encoder(pretty: false).encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads settings written by `jsonString()`.
    public init(jsonString: String) throws(TrainingError) {
        do {
            self = try JSONDecoder().decode(TrainingConfig.self, from: Data(jsonString.utf8))
        } catch {
            throw .invalidSetting("the saved settings are not readable: \(JSONCoding.summary(of: error))")
        }
    }
}

/// How the critic is trained: kept Lipschitz (the two WGANs), or as a discriminator (the GAN and
/// LSGAN baselines the paper compares against).
public enum TrainingLoss: String, CaseIterable, Sendable {
    /// WGAN-GP: the gradient penalty, with Adam.
    case gradientPenalty = "gp"
    /// The original WGAN: weight clipping, with RMSprop.
    case clipping = "clip"
    /// The paper's "DCGAN" baseline: sigmoid cross-entropy, with Adam.
    case standard = "gan"
    /// The least-squares GAN, with RMSprop.
    case leastSquares = "lsgan"

    /// The names, for messages: "gp, clip, gan or lsgan".
    public static var names: String {
        allCases.dropLast().map(\.rawValue).joined(separator: ", ") + " or " + allCases.last!.rawValue
    }

    /// Whether the critic estimates a Wasserstein distance (its loss, negated and without the
    /// penalty, is the estimate).
    public var isWasserstein: Bool { self == .gradientPenalty || self == .clipping }

    /// The discriminator's objective of a baseline loss; nil for the WGANs.
    public var discriminatorObjective: DiscriminatorObjective? {
        switch self {
        case .gradientPenalty, .clipping: nil
        case .standard: .crossEntropy
        case .leastSquares: .leastSquares
        }
    }

    /// The settings a loss trains with in the official code (`gan_64x64.py`), which a run takes
    /// unless its flags say otherwise; nil for the penalty, which takes its preset's.
    public struct Defaults: Sendable, Equatable {
        public let learningRate: Double
        public let criticSteps: Int
        /// Adam's; nil for RMSprop, which has none.
        public let betas: (Double, Double)?

        public static func == (a: Defaults, b: Defaults) -> Bool {
            a.learningRate == b.learningRate && a.criticSteps == b.criticSteps && a.betas?.0 == b.betas?.0 && a.betas?.1 == b.betas?.1
        }
    }

    public var defaults: Defaults? {
        switch self {
        case .gradientPenalty: nil
        case .clipping: Defaults(learningRate: 5e-5, criticSteps: 5, betas: nil)
        case .standard: Defaults(learningRate: 2e-4, criticSteps: 1, betas: (0.5, 0.999))
        case .leastSquares: Defaults(learningRate: 1e-4, criticSteps: 1, betas: nil)
        }
    }

    /// The optimiser this loss trains with: Adam with `betas` for the penalty and the GAN,
    /// RMSprop (which has no betas) for clipping and the LSGAN, as the official code does.
    public func optimizer(parameters: [Tensor], learningRate: Float, betas: (Float, Float)) -> Optimizer {
        switch self {
        case .gradientPenalty, .standard: Adam(parameters: parameters, learningRate: learningRate, betas: betas)
        case .clipping, .leastSquares: RMSprop(parameters: parameters, learningRate: learningRate)
        }
    }
}

/// A named set of defaults (`--preset`): one of a model's `presets`, which also selects the model
/// at its own width and latent size; explicit flags override it.
public struct TrainingPreset: Sendable {
    public let settings: ModelPreset
    public let model: any GANModel

    public var name: String { settings.name }

    /// The preset called `name` in `catalogue`, or an error listing its presets.
    public static func named(_ name: String, in catalogue: ModelCatalogue = .builtIn) throws(TrainingError) -> TrainingPreset {
        guard let (settings, model) = catalogue.presets.first(where: { $0.preset.name == name }) else {
            throw .invalidSetting("unknown preset '\(name)' (expected \(catalogue.presets.map(\.preset.name).joined(separator: ", ")))")
        }
        return TrainingPreset(settings: settings, model: model)
    }

    /// The preset that trains `model` as its paper does (its first), or the default model's
    /// settings on `model` for one that declares none.
    public static func forModel(_ model: any GANModel) -> TrainingPreset {
        TrainingPreset(settings: model.presets.first ?? ModelCatalogue.builtIn.presets[0].preset, model: model)
    }

    /// The preset's settings: its model at the model's own width and latent size.
    public var config: TrainingConfig {
        var config = TrainingConfig()
        config.preset = name
        config.model = model.name
        config.latentDimension = model.defaultLatentDimension
        config.width = model.defaultWidth
        config.batchSize = settings.batchSize
        config.criticSteps = settings.criticSteps
        config.lambda = settings.lambda
        config.criticLearningRate = settings.criticLearningRate
        config.generatorLearningRate = settings.generatorLearningRate
        (config.beta1, config.beta2) = (settings.beta1, settings.beta2)
        config.iterations = settings.iterations
        if let dataset = settings.dataset { config.dataset = dataset }
        config.learningRateDecay = settings.learningRateDecay.rawValue
        config.generatorBatchSize = settings.generatorBatchSize
        config.dequantize = settings.dequantize
        return config
    }
}

/// Shared JSON settings: sorted keys so files compare across runs, and no escaped slashes in paths.
enum JSONCoding {
    static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// A one-line reason for a decoding failure (Foundation's descriptions run over several lines).
    static func summary(of error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let context):
            return "not valid JSON (\(context.debugDescription))".replacingOccurrences(of: "\n", with: " ")
        default: return "\(error)".replacingOccurrences(of: "\n", with: " ")
        }
    }
}
