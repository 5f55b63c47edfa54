import WGANData
import WGANModels

/// The settings a person gave on the command line, each by its `TrainingSetting`; the others
/// come from the preset (a new run) or the saved run (`--resume`).
///
/// A new run starts from the preset's settings and applies the given ones; a resumed run starts
/// from the saved settings and accepts only those a resumed run may change (how long to train,
/// how fast, how often to log), refusing any other that differs from the saved value. Fields
/// read and write as `TrainingConfig`'s do: `options.batchSize = 32`.
@dynamicMemberLookup
public struct TrainingOptions: Sendable {
    /// Values given, by setting name.
    private var given: [String: any Sendable] = [:]

    public init() {}

    /// The value given for the setting held in `field`, or nil.
    public subscript<Value: Sendable>(dynamicMember field: WritableKeyPath<TrainingConfig, Value>) -> Value? {
        get { given[Self.setting(field).name] as? Value }
        set { given[Self.setting(field).name] = newValue }
    }

    private static func setting(_ field: PartialKeyPath<TrainingConfig>) -> TrainingSetting {
        guard let setting = TrainingSetting.all.first(where: { $0.field == field }) else {
            preconditionFailure("no training setting is held in \(field)")
        }
        return setting
    }

    /// Gives the setting `--name` the value `argument` spells.
    ///
    /// - Throws: `TrainingError.invalidSetting` for an unknown flag or a value of the wrong kind.
    public mutating func set(_ name: String, argument: String) throws(TrainingError) {
        guard let setting = TrainingSetting.named(name) else { throw .invalidSetting("unknown option '--\(name)'") }
        given[name] = try setting.parsed(argument)
    }

    /// The settings of a new run: the preset's, overridden by every setting given; validated.
    public func freshConfig() throws(TrainingError) -> TrainingConfig {
        // A toy dataset named on its own trains as the official toy code does.
        let toyDataGiven = (given["dataset"] as? String).flatMap(ToyDataset.named) != nil
        let presetName = (given["preset"] as? String) ?? (toyDataGiven ? TrainingPreset.toy : TrainingPreset.seed).rawValue
        var config = try TrainingPreset.named(presetName).config
        apply(to: &config) { _ in true }
        // Clipping trains as the original WGAN does, unless these are given too.
        if config.trainingLoss == .clipping {
            if given["lr-critic"] == nil { config.criticLearningRate = 5e-5 }
            if given["lr-generator"] == nil { config.generatorLearningRate = 5e-5 }
            if given["n-critic"] == nil { config.criticSteps = 5 }
        }
        // A model named on its own brings its own latent size, unless one is given too.
        if given["model"] != nil, let architecture = ModelArchitecture.named(config.model) {
            if given["latent-dim"] == nil { config.latentDimension = architecture.defaultLatentDimension }
            if given["dim"] == nil { config.width = architecture.defaultWidth }
        }
        // And its own width (cifar-dcgan's DIM is 128), unless --dim is given too.
        if given["model"] != nil && given["dim"] == nil, let architecture = ModelArchitecture.named(config.model) {
            config.width = architecture.defaultWidth
        }
        try config.validate()
        return config
    }

    /// The settings of a resumed run: `saved`, with the given settings a resumed run may change.
    ///
    /// - Throws: `TrainingError.invalidSetting` for a setting that would change the run's models,
    ///   data or optimisation, naming the flag and the value the run was trained with.
    public func resumedConfig(saved: TrainingConfig) throws(TrainingError) -> TrainingConfig {
        for setting in TrainingSetting.all where !setting.mayChangeOnResume {
            guard let value = given[setting.name] else { continue }
            var changed = saved
            setting.apply(value, &changed)
            if changed != saved {
                throw .invalidSetting("\(setting.flag) cannot be changed when resuming: the run was trained with "
                                      + "\(setting.flag) \(setting.describe(saved))")
            }
        }
        var config = saved
        apply(to: &config) { $0.mayChangeOnResume }
        try config.validate()
        return config
    }

    private func apply(to config: inout TrainingConfig, where include: (TrainingSetting) -> Bool) {
        for setting in TrainingSetting.all where include(setting) {
            if let value = given[setting.name] { setting.apply(value, &config) }
        }
    }
}
