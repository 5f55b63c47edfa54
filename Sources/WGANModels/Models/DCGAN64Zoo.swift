import WGANEngine
import WGANNN

/// What the 64×64 architectures of `gan_64x64.py` (the paper's Figure 2 zoo) share: 3×64×64 images
/// (or grey) in [−1, 1], z ∈ R¹²⁸, width 64, the official interpolates, and `paper-64`'s settings;
/// a model whose critic is the DCGAN pair's builds it with `dcganCritic`.
public protocol SixtyFourPixelModel: GANModel {}

extension SixtyFourPixelModel {
    public var samples: SampleKind { .images(side: 64, channels: [1, 3]) }
    public var defaultImageShape: [Int] { [3, 64, 64] }
    public var defaultLatentDimension: Int { 128 }
    public var defaultWidth: Int { 64 }
    public var pixelValues: PixelValues { .symmetric }
    public var interpolation: InterpolationForm { .official }
    public var presets: [ModelPreset] { [DCGAN64Model.paperPreset] }

    /// `DCGANDiscriminator` as the DCGAN pair has it (norms by loss), and its size.
    func dcganCritic(_ spec: ModelSpec, using rng: inout RandomGenerator) -> Module { DCGAN64Model().makeCritic(spec, using: &rng) }
    func dcganCriticSize(_ spec: ModelSpec) -> ModelSize { DCGAN64Model().sizes(spec)[1] }
}

/// Two of the paper's Figure 2 architectures, the DCGAN pair with one change each (`ColourDCGANModel`
/// gives them the pair's shapes, so they declare only their width and preset).

/// `--model dcgan-nobn`: "no normalization in either G or D" (`DCGANGenerator(bn=False)`,
/// `DCGANDiscriminator(bn=False)`).
public struct DCGAN64NoNormalizationModel: ColourDCGANModel {
    public init() {}
    public var name: String { "dcgan-nobn" }
    public var summary: String { "gan_64x64.py's DCGAN pair without normalisation in either network; 3×64×64" }
    public var depth: ColourDCGANDepth { .sixtyFour }
    public var defaultWidth: Int { 64 }
    public var presets: [ModelPreset] { [DCGAN64Model.paperPreset] }
    public var layers: DCGANLayers { DCGANLayers(normalized: false) }
}

/// `--model tanh`: "tanh nonlinearities everywhere" (both networks of the DCGAN pair with
/// `nonlinearity=tf.tanh`, normalisation kept).
public struct DCGAN64TanhModel: ColourDCGANModel {
    public init() {}
    public var name: String { "tanh" }
    public var summary: String { "gan_64x64.py's DCGAN pair with tanh nonlinearities in both networks; 3×64×64" }
    public var depth: ColourDCGANDepth { .sixtyFour }
    public var defaultWidth: Int { 64 }
    public var presets: [ModelPreset] { [DCGAN64Model.paperPreset] }
    public var layers: DCGANLayers { DCGANLayers(generatorActivation: .tanh, criticActivation: .tanh) }
}
