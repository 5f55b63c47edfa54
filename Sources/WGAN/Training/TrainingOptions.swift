/// The settings a person asked for on the command line: each nil unless its flag was given.
///
/// A fresh run starts from the preset's settings and applies the flags; a resumed run starts from
/// the saved settings and accepts only the flags that leave the run's meaning alone (how long to
/// train, how fast, how often to log), refusing any other that differs from the saved value.
public struct TrainingOptions: Sendable {
    public var preset: String?
    public var dataset: String?
    public var dataDirectory: String?
    public var imageLimit: Int?
    public var latentDimension: Int?
    public var batchSize: Int?
    public var epochs: Int?
    public var criticLearningRate: Double?
    public var generatorLearningRate: Double?
    public var beta1: Double?
    public var beta2: Double?
    public var lambda: Double?
    public var penaltyNorm: String?
    public var criticSteps: Int?
    public var maxSteps: Int?
    public var seed: UInt64?
    public var threads: Int?
    public var logEvery: Int?

    public init() {}

    /// The settings of a new run: the preset's, overridden by every flag given; validated.
    public func freshConfig() throws(TrainingError) -> TrainingConfig {
        let chosen = try TrainingPreset.named(preset ?? TrainingPreset.seed.rawValue)
        var config = chosen.config
        for setting in Self.runDefining { setting.apply(self, &config) }
        applyRunLength(to: &config)
        try config.validate()
        return config
    }

    /// The settings of a resumed run: `saved`, with new run-length, speed and logging flags.
    ///
    /// - Throws: `TrainingError.invalidSetting` for a flag that would change the run's models,
    ///   data or optimisation, naming the flag and the value the run was trained with.
    public func resumedConfig(saved: TrainingConfig) throws(TrainingError) -> TrainingConfig {
        for setting in Self.runDefining {
            var changed = saved
            setting.apply(self, &changed)
            if changed != saved {
                throw .invalidSetting("\(setting.flag) cannot be changed when resuming: the run was trained with "
                                      + "\(setting.flag) \(setting.describe(saved))")
            }
        }
        var config = saved
        applyRunLength(to: &config)
        try config.validate()
        return config
    }

    private func applyRunLength(to config: inout TrainingConfig) {
        if let epochs { config.epochs = epochs }
        if let maxSteps { config.maxSteps = maxSteps }
        if let threads { config.threads = threads }
        if let logEvery { config.logEvery = logEvery }
    }

    /// A flag that defines the run: its models, data or optimisation.
    private struct RunDefiningSetting: Sendable {
        let flag: String
        let apply: @Sendable (TrainingOptions, inout TrainingConfig) -> Void
        let describe: @Sendable (TrainingConfig) -> String
    }

    private static func setting<Value: Sendable>(
        _ flag: String, _ option: KeyPath<TrainingOptions, Value?> & Sendable,
        _ field: WritableKeyPath<TrainingConfig, Value> & Sendable
    ) -> RunDefiningSetting {
        RunDefiningSetting(flag: flag, apply: { options, config in
            if let value = options[keyPath: option] { config[keyPath: field] = value }
        }, describe: { "\($0[keyPath: field])" })
    }

    private static func optionalSetting<Value: Sendable>(
        _ flag: String, _ option: KeyPath<TrainingOptions, Value?> & Sendable,
        _ field: WritableKeyPath<TrainingConfig, Value?> & Sendable
    ) -> RunDefiningSetting {
        RunDefiningSetting(flag: flag, apply: { options, config in
            if let value = options[keyPath: option] { config[keyPath: field] = value }
        }, describe: { $0[keyPath: field].map { "\($0)" } ?? "(not set)" })
    }

    private static let runDefining: [RunDefiningSetting] = [
        setting("--preset", \.preset, \.preset),
        setting("--dataset", \.dataset, \.dataset),
        optionalSetting("--data-dir", \.dataDirectory, \.dataDirectory),
        optionalSetting("--limit", \.imageLimit, \.imageLimit),
        setting("--latent-dim", \.latentDimension, \.latentDimension),
        setting("--batch-size", \.batchSize, \.batchSize),
        setting("--lr-critic", \.criticLearningRate, \.criticLearningRate),
        setting("--lr-generator", \.generatorLearningRate, \.generatorLearningRate),
        setting("--beta1", \.beta1, \.beta1),
        setting("--beta2", \.beta2, \.beta2),
        setting("--lambda", \.lambda, \.lambda),
        setting("--gp-norm", \.penaltyNorm, \.penaltyNorm),
        setting("--n-critic", \.criticSteps, \.criticSteps),
        setting("--seed", \.seed, \.seed),
    ]
}
