import Foundation
import WGANEngine
import WGANNN

/// The model pairs a run can name with `--model`. `builtIn` lists `wgan`'s own: a new model is a
/// file of its own in `Models/` and one entry there, and the trainer, the sampler, checkpoints, the
/// benchmark, the help and the tests that must hold for every model all read that list. A Swift
/// user's own model joins a catalogue with `adding(_:)`.
public struct ModelCatalogue: Sendable {
    public let models: [any GANModel]

    public init(_ models: [any GANModel]) { self.models = models }

    /// The models `wgan` ships.
    public static let builtIn = ModelCatalogue([SeedModel(), MNISTDCGANModel(), CIFARDCGANModel(), DCGAN64Model(), GoodResNet64Model(), DCGAN64NoNormalizationModel(),
                                                 WGANPaperModel(), MLPGeneratorModel(), DCGAN64TanhModel(), CIFARResNetModel(), ToyModel()])

    /// This catalogue with `model` first (its default), replacing any model of the same name.
    public func adding(_ model: any GANModel) -> ModelCatalogue {
        ModelCatalogue([model] + models.filter { $0.name != model.name })
    }

    /// The model a run trains when none is named: the first.
    public var defaultModel: any GANModel { models[0] }

    /// The model called `name`, or nil.
    public func named(_ name: String) -> (any GANModel)? { models.first { $0.name == name } }

    /// The names `--model` takes, for messages and help: "a, b, c".
    public var names: String { models.map(\.name).joined(separator: ", ") }

    /// The names of the models that make 2-D points: "toy".
    public var pointModelNames: String { models.filter { $0.samples == .points }.map(\.name).joined(separator: " or ") }

    /// The names of the models with a conditional variant (`--conditional`): "cifar-resnet".
    public var conditionalModelNames: String { models.filter(\.hasConditionalVariant).map(\.name).joined(separator: " or ") }

    /// Every model's presets with their models, the default model's first. A preset that several
    /// models share (the 64×64 zoo's `paper-64`) is listed once, with the first model that has it.
    public var presets: [(preset: ModelPreset, model: any GANModel)] {
        var seen = Set<String>()
        return models.flatMap { model in model.presets.map { ($0, model) } }.filter { seen.insert($0.preset.name).inserted }
    }

    /// The message for a `--model` this catalogue does not list.
    public func unknownModelMessage(_ name: String) -> String { "unknown --model '\(name)' (expected \(names))" }
}

/// Everything that fixes a model pair's shapes: its model's name, latent size, width and image
/// shape. Saved with every checkpoint, so that a generator can be rebuilt from its file alone.
/// How a critic's hidden layers are normalised, where its architecture normalises them.
public enum CriticNormalization: String, Codable, Sendable {
    /// Per sample, over channels and positions: the only kind the gradient penalty allows.
    case layer
    /// Over the batch: the official code's choice for the GAN, LSGAN and clipping critics.
    case batch
}

public struct ModelSpec: Codable, Equatable, Sendable {
    /// The `GANModel`'s name.
    public var model: String
    public var latentDimension: Int
    /// The convolutional models' base width (the official code's DIM); the seed's MLPs ignore it.
    public var width: Int
    /// [channels, height, width] of one image, or [2] for the toy model's points.
    public var imageShape: [Int]
    /// The classes of a conditional model (`--conditional`), in label order; nil for an
    /// unconditional one.
    public var classNames: [String]?
    /// The normalisation of a critic that has one (the official code's `Normalize`), when not
    /// layer norm: BatchNorm for a critic trained without the penalty. nil: layer norm, which
    /// the penalty needs (it scores each sample on its own).
    public var criticNormalization: CriticNormalization?

    public init(model: String, latentDimension: Int, width: Int, imageShape: [Int], classNames: [String]? = nil,
                criticNormalization: CriticNormalization? = nil) {
        self.model = model
        self.latentDimension = latentDimension
        self.width = width
        self.imageShape = imageShape
        self.classNames = classNames
        self.criticNormalization = criticNormalization
    }

    /// Classes of a conditional model, 0 for an unconditional one.
    public var classCount: Int { classNames?.count ?? 0 }

    enum CodingKeys: String, CodingKey {
        case model, latentDimension = "latent_dim", width = "dim", imageShape = "image_shape", classNames = "classes"
        case criticNormalization = "critic_norm"
    }

    /// One line of JSON with sorted keys, for a checkpoint's metadata.
    public var jsonString: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// The spec `jsonString` wrote, or nil.
    public init?(jsonString: String) {
        guard let spec = try? JSONDecoder().decode(ModelSpec.self, from: Data(jsonString.utf8)) else { return nil }
        self = spec
    }
}
