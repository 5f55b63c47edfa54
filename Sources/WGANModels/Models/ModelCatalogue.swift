import Foundation
import WGANEngine
import WGANNN

/// A generator: latent vectors [N, latentDimension] in, images [N] + imageShape out.
public protocol ImageGenerator: Module {
    var latentDimension: Int { get }
    /// [channels, height, width] of one image.
    var imageShape: [Int] { get }
}

/// The range of a generator's pixels, which the real images are scaled to.
public enum PixelValues: String, Sendable {
    /// [-1, 1]: a tanh output (the seed).
    case symmetric
    /// [0, 1]: a sigmoid output (the paper's MNIST model).
    case unit
}

/// The model pairs the tool trains, by the name `--model` takes. A new model is a case here and
/// a file of its own in `Models/`; the trainer, the sampler, checkpoints and the benchmark build
/// every model through this catalogue.
public enum ModelArchitecture: String, CaseIterable, Codable, Sendable {
    /// The seed script's MLPs (BatchNorm generator, tanh; MLP critic).
    case seed
    /// The paper's MNIST model (the official gan_mnist.py in WGAN-GP mode).
    case mnistDCGAN = "mnist-dcgan"
    /// The paper's CIFAR-10 model (the official gan_cifar.py in WGAN-GP mode), 32×32 colour.
    case cifarDCGAN = "cifar-dcgan"
    /// The paper's 64×64 DCGAN (gan_64x64.py), layer norm in the critic.
    case dcgan64
    /// The paper's toy MLPs (the official gan_toy.py), on 2-D points.
    case toy

    /// The architecture called `name`, or nil.
    public static func named(_ name: String) -> ModelArchitecture? { ModelArchitecture(rawValue: name) }

    /// The names `--model` takes, for messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Everything that fixes a model pair's shapes: its architecture, latent size, width and image
/// shape. Saved with every checkpoint, so that a generator can be rebuilt from its file alone.
public struct ModelSpec: Codable, Equatable, Sendable {
    public var architecture: ModelArchitecture
    public var latentDimension: Int
    /// The convolutional models' base width (the official code's DIM); the seed's MLPs ignore it.
    public var width: Int
    /// [channels, height, width] of one image, or [2] for the toy model's points.
    public var imageShape: [Int]

    public init(architecture: ModelArchitecture, latentDimension: Int, width: Int, imageShape: [Int]) {
        self.architecture = architecture
        self.latentDimension = latentDimension
        self.width = width
        self.imageShape = imageShape
    }

    enum CodingKeys: String, CodingKey {
        case architecture = "model", latentDimension = "latent_dim", width = "dim", imageShape = "image_shape"
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

    /// Why this spec cannot be built (images of a shape the architecture does not make), or nil.
    public var problem: String? {
        if architecture == .toy || imageShape == [2] {
            guard architecture == .toy else { return "\(architecture.rawValue) makes images; the toy datasets are 2-D points (use --model toy)" }
            guard imageShape == [2] else {
                return "the toy model makes 2-D points; the data are \(imageShape.map(String.init).joined(separator: "×")) images "
                    + "(use a toy --dataset: 8gaussians, 25gaussians or swissroll)"
            }
            return width >= 1 ? nil : "--dim must be at least 1, got \(width)"
        }
        guard imageShape.count == 3, imageShape.allSatisfy({ $0 >= 1 }) else { return "image shape \(imageShape) is not [C, H, W]" }
        guard latentDimension >= 1 else { return "the latent dimension must be at least 1, got \(latentDimension)" }
        switch architecture {
        case .seed:
            return nil
        case .mnistDCGAN:
            if imageShape != [1, 28, 28] { return "mnist-dcgan makes 1×28×28 images; the data's are \(imageShape.map(String.init).joined(separator: "×"))" }
            return width >= 1 ? nil : "--dim must be at least 1, got \(width)"
        case .toy:
            return nil
        case .cifarDCGAN, .dcgan64:
            let side = colourDepth.imageSide
            guard [1, 3].contains(imageShape[0]), imageShape[1] == side, imageShape[2] == side else {
                let found = imageShape.map(String.init).joined(separator: "×")
                return "\(architecture.rawValue) makes 3×\(side)×\(side) (or 1×\(side)×\(side)) images; the data's are \(found)"
                    + " — pass --image-size \(side) --channels 3 with an image folder"
            }
            return width >= 1 ? nil : "--dim must be at least 1, got \(width)"
        }
    }
}

extension ModelArchitecture {
    /// The latent size the architecture's own code uses, when `--latent-dim` is not given.
    public var defaultLatentDimension: Int {
        switch self {
        case .seed: 100
        case .mnistDCGAN, .cifarDCGAN, .dcgan64: 128
        case .toy: 2
        }
    }

    /// The width the architecture's own code uses, when `--dim` is not given.
    public var defaultWidth: Int {
        switch self {
        case .seed, .mnistDCGAN, .dcgan64: 64
        case .cifarDCGAN: 128
        case .toy: 512
        }
    }

    /// The range of the generator's pixels: the sigmoid MNIST model's [0, 1], the tanh models' [-1, 1].
    public var pixelValues: PixelValues { self == .mnistDCGAN ? .unit : .symmetric }

    /// The images the architecture makes by default ([C, H, W]); the seed's MLPs take any shape.
    public var defaultImageShape: [Int] {
        switch self {
        case .seed, .mnistDCGAN: [1, 28, 28]
        case .cifarDCGAN: [3, 32, 32]
        case .dcgan64: [3, 64, 64]
        case .toy: [2]
        }
    }
}

extension ModelSpec {
    /// A new generator, initialised from `rng`.
    public func makeGenerator(using rng: inout RandomGenerator) -> any ImageGenerator {
        switch architecture {
        case .seed: SeedGenerator(latentDimension: latentDimension, imageShape: imageShape, using: &rng)
        case .mnistDCGAN: MNISTDCGANGenerator(width: width, latentDimension: latentDimension, using: &rng)
        case .toy: ToyGenerator(latentDimension: latentDimension, width: width, using: &rng)
        case .cifarDCGAN, .dcgan64:
            ColourDCGANGenerator(depth: colourDepth, width: width, latentDimension: latentDimension, channels: imageShape[0],
                                 initialization: colourInitialization, using: &rng)
        }
    }

    /// A new critic, initialised from `rng`.
    public func makeCritic(using rng: inout RandomGenerator) -> Module {
        switch architecture {
        case .seed: SeedCritic(inputSize: imageShape.reduce(1, *), using: &rng)
        case .mnistDCGAN: MNISTDCGANCritic(width: width, using: &rng)
        case .toy: ToyCritic(width: width, using: &rng)
        case .cifarDCGAN, .dcgan64:
            ColourDCGANCritic(depth: colourDepth, width: width, channels: imageShape[0], initialization: colourInitialization, using: &rng)
        }
    }

    /// The generator's and the critic's sizes, computed without building them.
    public var sizes: [ModelSize] {
        let pixels = imageShape.reduce(Optional(1)) { total, side in total.flatMap { CheckedSize.product($0, side) } } ?? Int.max
        switch architecture {
        case .seed:
            return [SeedGenerator.size(latentDimension: latentDimension, pixels: pixels), SeedCritic.size(pixels: pixels)]
        case .mnistDCGAN:
            return [MNISTDCGANGenerator.size(width: width, latentDimension: latentDimension), MNISTDCGANCritic.size(width: width)]
        case .toy:
            return [ToyGenerator.size(latentDimension: latentDimension, width: width), ToyCritic.size(width: width)]
        case .cifarDCGAN, .dcgan64:
            return [ColourDCGANGenerator.size(depth: colourDepth, width: width, latentDimension: latentDimension, channels: imageShape[0]),
                    ColourDCGANCritic.size(depth: colourDepth, width: width, channels: imageShape[0])]
        }
    }

    /// The depth of the colour models (cifar-dcgan's, unless dcgan64).
    var colourDepth: ColourDCGANDepth { architecture == .dcgan64 ? .sixtyFour : .cifar }

    /// The colour models' initialisation as in the official code: gan_cifar.py's tflib defaults,
    /// gan_64x64.py's DCGAN pair with every weight of standard deviation 0.02.
    var colourInitialization: MNISTDCGANInitialization { architecture == .dcgan64 ? .dcgan : .official }

    /// How the penalty's interpolates are formed: the seed's α·real + (1 − α)·fake, or the
    /// official code's real + α·(fake − real), for the paper's image models (gan_toy.py uses the first).
    public var interpolation: InterpolationForm {
        switch architecture {
        case .seed, .toy: .seed
        case .mnistDCGAN, .cifarDCGAN, .dcgan64: .official
        }
    }
}
