import Foundation
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

    /// The settings `arguments` give, read against `TrainingSetting.all`: `--name value` or
    /// `--name=value`, a switch alone turned on, `--no-name` turning it off. `--data-dir` is made
    /// absolute, so that the saved settings still find the data when the run is resumed from elsewhere.
    ///
    /// - Throws: `TrainingError.invalidSetting` for an unknown flag, a missing value or a value
    ///   of the wrong kind.
    public init(arguments: [String]) throws(TrainingError) {
        var remaining = arguments[...]
        while let word = remaining.popFirst() {
            guard word.hasPrefix("--"), word.count > 2 else { throw .invalidSetting("unexpected argument '\(word)'") }
            let flag = word.dropFirst(2)
            let (name, inline) = flag.firstIndex(of: "=").map { (String(flag[..<$0]), String(flag[flag.index(after: $0)...])) }
                ?? (String(flag), nil)
            if inline == nil, name.hasPrefix("no-"), let negated = TrainingSetting.named(String(name.dropFirst(3))), negated.isSwitch {
                try set(negated.name, argument: "false")
                continue
            }
            guard let setting = TrainingSetting.named(name) else { throw .invalidSetting("unknown option '--\(name)'") }
            // A switch given alone (the next word another flag, or none) is turned on.
            let next = inline ?? (setting.isSwitch && remaining.first.map({ $0.hasPrefix("--") || Bool(argument: $0) == nil }) != false
                                  ? "true" : remaining.popFirst())
            guard let value = next else { throw .invalidSetting("missing value for '--\(name)'") }
            try set(name, argument: name == "data-dir" ? URL(fileURLWithPath: value).standardizedFileURL.path : value)
        }
    }

    /// Gives the setting `--name` the value `argument` spells.
    ///
    /// - Throws: `TrainingError.invalidSetting` for an unknown flag or a value of the wrong kind.
    public mutating func set(_ name: String, argument: String) throws(TrainingError) {
        guard let setting = TrainingSetting.named(name) else { throw .invalidSetting("unknown option '--\(name)'") }
        given[name] = try setting.parsed(argument)
    }

    /// The settings of a new run: the preset's, overridden by every setting given; validated
    /// against `catalogue`'s models and presets.
    public func freshConfig(in catalogue: ModelCatalogue = .builtIn) throws(TrainingError) -> TrainingConfig {
        // A toy dataset named on its own trains as the official toy code does: the preset of the
        // model that makes points.
        let toyDataGiven = (given["dataset"] as? String).flatMap(ToyDataset.named) != nil
        let pointModel = catalogue.models.first { $0.samples == .points }
        let defaultPreset = toyDataGiven ? pointModel.map { TrainingPreset.forModel($0).name } : nil
        let presetName = (given["preset"] as? String) ?? defaultPreset ?? TrainingPreset.forModel(catalogue.defaultModel).name
        var config = try TrainingPreset.named(presetName, in: catalogue).config
        apply(to: &config) { _ in true }
        // Clipping, the GAN and the LSGAN train as the official code trains them, unless these are given too.
        if let defaults = config.trainingLoss.defaults {
            if given["lr-critic"] == nil { config.criticLearningRate = defaults.learningRate }
            if given["lr-generator"] == nil { config.generatorLearningRate = defaults.learningRate }
            if given["n-critic"] == nil { config.criticSteps = defaults.criticSteps }
            if let betas = defaults.betas {
                if given["beta1"] == nil { config.beta1 = betas.0 }
                if given["beta2"] == nil { config.beta2 = betas.1 }
            }
        }
        // A model named on its own brings its own latent size and width (the official code's
        // DIM differs between models), unless they are given too.
        if given["model"] != nil, let model = catalogue.named(config.model) {
            if given["latent-dim"] == nil { config.latentDimension = model.defaultLatentDimension }
            if given["dim"] == nil { config.width = model.defaultWidth }
        }
        try config.validate(in: catalogue)
        return config
    }

    /// The settings of a resumed run: `saved`, with the given settings a resumed run may change.
    ///
    /// - Throws: `TrainingError.invalidSetting` for a setting that would change the run's models,
    ///   data or optimisation, naming the flag and the value the run was trained with.
    public func resumedConfig(saved: TrainingConfig, in catalogue: ModelCatalogue = .builtIn) throws(TrainingError) -> TrainingConfig {
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
        try config.validate(in: catalogue)
        return config
    }

    private func apply(to config: inout TrainingConfig, where include: (TrainingSetting) -> Bool) {
        for setting in TrainingSetting.all where include(setting) {
            if let value = given[setting.name] { setting.apply(value, &config) }
        }
    }
}
