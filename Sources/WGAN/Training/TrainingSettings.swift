import Foundation
import WGANModels

/// A value a training setting can hold: read from the command line, written to `config.json`.
public protocol SettingValue: Codable, Equatable, Sendable {
    /// The value a command-line argument spells, or nil when it spells none.
    init?(argument: String)
    /// What a person is told a flag takes when an argument is not one ("a whole number").
    static var kind: String { get }
}

extension Int: SettingValue {
    public init?(argument: String) { self.init(argument) }
    public static var kind: String { "a whole number" }
}

extension UInt64: SettingValue {
    public init?(argument: String) { self.init(argument) }
    public static var kind: String { "a whole number from 0 to \(UInt64.max)" }
}

extension Double: SettingValue {
    public init?(argument: String) { self.init(argument) }
    public static var kind: String { "a number" }
}

extension Bool: SettingValue {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "true", "yes", "1", "on": self = true
        case "false", "no", "0", "off": self = false
        default: return nil
        }
    }
    public static var kind: String { "true or false" }
}

extension String: SettingValue {
    public init?(argument: String) { self = argument }
    public static var kind: String { "a word" }
}

/// One setting of a training run, declared once: its flag, its key in `config.json`, its help,
/// whether a resumed run may change it, and the field of `TrainingConfig` that holds it. The
/// command line, the saved settings and the resume check all read this table
/// (`TrainingSetting.all`), so adding a setting is one line there and a field in `TrainingConfig`.
public struct TrainingSetting: Sendable {
    /// The flag without its dashes: `batch-size` for `--batch-size`.
    public let name: String
    /// The key in `config.json` and in a checkpoint's metadata.
    public let key: String
    public let help: String
    /// Whether `--resume` accepts a new value (how long to train, how fast, how often to log);
    /// any other setting defines the run and must stay as it was.
    public let mayChangeOnResume: Bool
    /// Whether saved settings may lack the key (settings added after runs were saved): the
    /// value is then `TrainingConfig`'s default.
    public let mayBeAbsentFromSavedRuns: Bool

    /// The `TrainingConfig` field that holds the setting.
    let field: PartialKeyPath<TrainingConfig> & Sendable
    let parse: @Sendable (String) -> (any Sendable)?
    let kind: String
    let apply: @Sendable (any Sendable, inout TrainingConfig) -> Void
    let describe: @Sendable (TrainingConfig) -> String
    let encode: @Sendable (TrainingConfig, inout KeyedEncodingContainer<SettingKey>) throws -> Void
    let decode: @Sendable (KeyedDecodingContainer<SettingKey>, inout TrainingConfig) throws -> Void

    /// The flag as typed: `--batch-size`.
    public var flag: String { "--\(name)" }

    /// Whether the setting is a switch (true or false), which the flag alone turns on.
    public var isSwitch: Bool { kind == Bool.kind }

    /// A setting held in a field of type `Value`.
    static func value<Value: SettingValue>(
        _ name: String, key: String, _ field: WritableKeyPath<TrainingConfig, Value> & Sendable, help: String,
        mayChangeOnResume: Bool = false, mayBeAbsentFromSavedRuns: Bool = false
    ) -> TrainingSetting {
        let codingKey = SettingKey(key)
        return TrainingSetting(
            name: name, key: key, help: help, mayChangeOnResume: mayChangeOnResume,
            mayBeAbsentFromSavedRuns: mayBeAbsentFromSavedRuns, field: field,
            parse: { Value(argument: $0) }, kind: Value.kind,
            apply: { value, config in if let value = value as? Value { config[keyPath: field] = value } },
            describe: { "\($0[keyPath: field])" },
            encode: { config, container in try container.encode(config[keyPath: field], forKey: codingKey) },
            decode: { container, config in
                if mayBeAbsentFromSavedRuns && !container.contains(codingKey) { return }
                config[keyPath: field] = try container.decode(Value.self, forKey: codingKey)
            })
    }

    /// A setting that may be unset, held in a field of type `Value?`; absent from saved settings
    /// when unset.
    static func optional<Value: SettingValue>(
        _ name: String, key: String, _ field: WritableKeyPath<TrainingConfig, Value?> & Sendable, help: String,
        mayChangeOnResume: Bool = false
    ) -> TrainingSetting {
        let codingKey = SettingKey(key)
        return TrainingSetting(
            name: name, key: key, help: help, mayChangeOnResume: mayChangeOnResume, mayBeAbsentFromSavedRuns: true,
            field: field, parse: { Value(argument: $0) }, kind: Value.kind,
            apply: { value, config in if let value = value as? Value { config[keyPath: field] = value } },
            describe: { $0[keyPath: field].map { "\($0)" } ?? "(not set)" },
            encode: { config, container in try container.encodeIfPresent(config[keyPath: field], forKey: codingKey) },
            decode: { container, config in
                config[keyPath: field] = try container.decodeIfPresent(Value.self, forKey: codingKey)
            })
    }

    /// The value `argument` spells for this setting, or a one-line error.
    func parsed(_ argument: String) throws(TrainingError) -> any Sendable {
        guard let value = parse(argument) else { throw .invalidSetting("\(flag) takes \(kind), got '\(argument)'") }
        return value
    }

    /// The setting whose flag is `--name`.
    public static func named(_ name: String) -> TrainingSetting? { all.first { $0.name == name } }
}

/// A key of `config.json`.
public struct SettingKey: CodingKey, Sendable {
    public let stringValue: String
    public var intValue: Int? { nil }
    init(_ key: String) { stringValue = key }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

extension TrainingSetting {
    /// Every setting of a run, in the order the help lists them. JSON keys are the flags' names
    /// in snake case, as the first version wrote them.
    public static let all: [TrainingSetting] = [
        .value("preset", key: "preset", \.preset,
               help: "Defaults to start from: "
                   + ModelCatalogue.builtIn.presets.map { "\($0.preset.name) (\($0.preset.description(of: $0.model)))" }
                       .joined(separator: "; ")
                   + ". The first is the default, the toy model's with a toy --dataset; a preset selects its model. "
                   + "Flags override it."),
        .value("model", key: "model", \.model,
               help: "Models: " + ModelCatalogue.builtIn.models.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")
                   + ". Default \(ModelCatalogue.builtIn.defaultModel.name).", mayBeAbsentFromSavedRuns: true),
        .value("dim", key: "dim", \.width,
               help: "Width of the models (the official DIM; default the model's own: "
                   + ModelCatalogue.builtIn.models.map { "\($0.name) \($0.defaultWidth)" }.joined(separator: ", ") + ").",
               mayBeAbsentFromSavedRuns: true),
        .value("dataset", key: "dataset", \.dataset,
               help: "Dataset: mnist (vendored), fashion-mnist, cifar10 (binary or Python version, from --data-dir), images (a "
                   + "folder of PNG and JPEG files, from --data-dir), or the paper's 2-D toy sets 8gaussians, 25gaussians, "
                   + "swissroll (drawn as the official gan_toy.py does)."),
        .value("fixed-generator", key: "fixed_generator", \.fixedGenerator,
               help: "Toy sets: no generator network; the fakes are real points plus N(0, 1) noise and only the critic "
                   + "trains (the paper's Figure 1a). A switch: --fixed-generator alone means true.",
               mayBeAbsentFromSavedRuns: true),
        .value("frame-every", key: "frame_every", \.frameEvery,
               help: "Toy sets: draw a frame (the critic's value surface with real and generated points), log the "
                   + "means and mode coverage and write a checkpoint every N iterations (default 1000).",
               mayBeAbsentFromSavedRuns: true),
        .optional("data-dir", key: "data_dir", \.dataDirectory,
                  help: "A folder of IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]), of CIFAR-10's "
                      + "files (--dataset cifar10), or of PNG and JPEG images (searched recursively; --dataset images, "
                      + "the default for a folder without IDX files)."),
        .optional("image-size", key: "image_size", \.imageSize,
                  help: "An image folder's images are cropped to their central square and resized to N×N (area "
                      + "averaging when shrinking; default: the model's size: "
                      + ModelCatalogue.builtIn.models.filter { $0.samples != .points }
                          .map { "\($0.name) \($0.defaultImageShape.last ?? 0)" }.joined(separator: ", ") + ")."),
        .optional("channels", key: "channels", \.channels,
                  help: "An image folder's images as grey (1) or RGB (3) (default: 3 if any file is in colour)."),
        .value("dequantize", key: "dequantize", \.dequantize,
               help: "Read real pixels as the official gan_cifar_resnet.py does: 2·(x/256 − 0.5) plus uniform noise in [0, 1/128) "
                   + "drawn afresh for every batch (default: 2·(x/255) − 1, or x/255 for a sigmoid model; paper-cifar-resnet sets it). "
                   + "A switch.", mayBeAbsentFromSavedRuns: true),
        .value("conditional", key: "conditional", \.conditional,
               help: "Train the conditional model (AC-WGAN-GP, the paper's supervised CIFAR-10 result; --model "
                   + ModelCatalogue.builtIn.conditionalModelNames + "): the generator takes each image's class, the critic "
                   + "gets an AC-GAN head. Classes: CIFAR-10's, or an image folder's first-level subfolders (one class per "
                   + "subfolder, sorted by name). Grids show one column per class (each row all the classes, as the official "
                   + "code). A switch.", mayBeAbsentFromSavedRuns: true),
        .value("strict", key: "strict", \.strict,
               help: "Stop at an image file that cannot be decoded (default: skip it, and say so).",
               mayBeAbsentFromSavedRuns: true),
        .optional("limit", key: "limit", \.imageLimit, help: "Train on the first N images only (quick runs)."),
        .value("latent-dim", key: "latent_dim", \.latentDimension,
               help: "Latent dimension (default: the model's own: "
                   + ModelCatalogue.builtIn.models.map { "\($0.name) \($0.defaultLatentDimension)" }.joined(separator: ", ") + ")."),
        .value("batch-size", key: "batch_size", \.batchSize,
               help: "Images per batch (default 64); the last batch of an epoch may be smaller."),
        .optional("generator-batch-size", key: "generator_batch_size", \.generatorBatchSize,
                  help: "Latent vectors per generator step (default: --batch-size; paper-cifar-resnet 128). With --n-critic 1 "
                      + "and this size, the generator reuses the critic step's z as the seed does."),
        .value("epochs", key: "epochs", \.epochs, help: "Epochs (default 100).", mayChangeOnResume: true),
        .optional("iterations", key: "iterations", \.iterations,
                  help: "Train for N generator iterations (the paper's unit; paper-mnist 200,000) instead of --epochs.",
                  mayChangeOnResume: true),
        .value("lr-critic", key: "lr_critic", \.criticLearningRate, help: "Critic's Adam learning rate (seed 4e-3, paper 1e-4)."),
        .value("lr-generator", key: "lr_generator", \.generatorLearningRate,
               help: "Generator's Adam learning rate (seed 1e-3, paper 1e-4)."),
        .value("lr-decay", key: "lr_decay", \.learningRateDecay,
               help: "How both learning rates change over --iterations: none (default) or linear (the official "
                   + "gan_cifar_resnet.py's: the rate times 1 − iteration/iterations, 0 at the end; paper-cifar-resnet).",
               mayBeAbsentFromSavedRuns: true),
        .value("beta1", key: "beta1", \.beta1, help: "Adam's beta1 (seed 0.9, paper 0)."),
        .value("beta2", key: "beta2", \.beta2, help: "Adam's beta2 (seed 0.999, paper 0.9)."),
        .value("loss", key: "loss", \.loss,
               help: "The critic's loss: gp (WGAN-GP, default); clip (the original WGAN: no penalty, every critic weight "
                   + "clamped to [-c, c] after each critic step, RMSprop; unless given, learning rates 5e-5 and --n-critic 5); "
                   + "gan (the paper's DCGAN baseline: sigmoid cross-entropy, non-saturating generator loss; Adam 2e-4, "
                   + "betas 0.5 and 0.999, --n-critic 1); lsgan (least squares; RMSprop 1e-4, --n-critic 1). Flags given "
                   + "override these.", mayBeAbsentFromSavedRuns: true),
        .value("clip", key: "clip", \.clip, help: "The clipping bound c of --loss clip (default 0.01).",
               mayBeAbsentFromSavedRuns: true),
        .value("lambda", key: "lambda", \.lambda, help: "Gradient penalty weight λ (default 10)."),
        .value("gp-norm", key: "gp_norm", \.penaltyNorm,
               help: "Penalty norm: sample (the paper's per-sample gradient norm, default) or pixel (the seed's dim=1 defect)."),
        .value("n-critic", key: "n_critic", \.criticSteps,
               help: "Critic steps per generator step (seed 1 with the same z; paper 5, each on a fresh batch)."),
        .optional("max-steps", key: "max_steps", \.maxSteps,
                  help: "Stop after N generator steps in all (a checkpoint is written there).", mayChangeOnResume: true),
        .value("seed", key: "seed", \.seed, help: "Random seed (default 0)."),
        .value("threads", key: "threads", \.threads,
               help: "Threads for matrix products and parallel work (default: the machine's core count).", mayChangeOnResume: true),
        .optional("log-every", key: "log_every", \.logEvery, help: "Also log the losses to log.jsonl every N steps.",
                  mayChangeOnResume: true),
        .value("checkpoint-minutes", key: "checkpoint_minutes", \.checkpointMinutes,
               help: "Also write a checkpoint inside an epoch once this many minutes have passed since the last one "
                   + "(default 10), so that a killed run loses at most that much work.",
               mayChangeOnResume: true, mayBeAbsentFromSavedRuns: true),
        .optional("eval-every", key: "eval_every", \.evalEvery,
                  help: "Log FID, Inception score, the confident share, the class histogram and the dev-set critic cost "
                      + "(the critic loss with its penalty over the test split, fresh generator batches) to log.jsonl every "
                      + "N epochs (N iterations with --iterations), by the dataset's shipped classifier (mnist, fashion-mnist); "
                      + "colour runs log FID, the Inception score (and its spread) and KID from the FID Inception network "
                      + "(see --inception and --eval-reference) instead.",
                  mayChangeOnResume: true),
        .optional("inception", key: "inception", \.inception,
                  help: "The FID Inception network's weights for a colour run's --eval-every (pytorch-fid's "
                      + "pt_inception-2015-12-05-6726825d.pth; default $WGAN_INCEPTION).", mayChangeOnResume: true),
        .optional("eval-reference", key: "eval_reference", \.evalReference,
                  help: "What a colour run's --eval-every compares with: a folder (CIFAR-10's files or images) or a .npz of mu and "
                      + "sigma (default: the training images; their features are computed once and cached in ~/.cache/wgan).",
                  mayChangeOnResume: true),
        .value("eval-count", key: "eval_count", \.evalCount, help: "Generator samples per --eval-every evaluation (default 10000).",
               mayChangeOnResume: true, mayBeAbsentFromSavedRuns: true),
        .value("diagnostics", key: "diagnostics", \.diagnostics,
               help: "Log each critic layer's gradient norm (a mean over the epoch) to log.jsonl and draw the critic's "
                   + "weight histogram every epoch into samples/weights_ep{N}.png. A switch.", mayChangeOnResume: true,
               mayBeAbsentFromSavedRuns: true),
        .value("tensorboard", key: "tensorboard", \.tensorboard,
               help: "Write TensorBoard event files into RUN/tensorboard/ (default on; --no-tensorboard turns it off): every "
                   + "number of log.jsonl as a scalar, the Wasserstein estimate, learning rates and steps per second, the "
                   + "fixed-noise grid (a toy run's frame) as an image, and with --diagnostics the critic's weight histograms. "
                   + "Start TensorBoard with: tensorboard --logdir RUN.", mayChangeOnResume: true, mayBeAbsentFromSavedRuns: true),
    ]
}

extension TrainingConfig {
    public init(from decoder: Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: SettingKey.self)
        for setting in TrainingSetting.all { try setting.decode(container, &self) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: SettingKey.self)
        for setting in TrainingSetting.all { try setting.encode(self, &container) }
    }
}
