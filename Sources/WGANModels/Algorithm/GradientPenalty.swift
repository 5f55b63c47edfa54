import WGANEngine
import WGANNN

/// Which norm of the critic's input gradient the penalty constrains.
public enum PenaltyNorm: String, CaseIterable, Sendable {
    /// The paper's: the 2-norm of each sample's whole gradient, (‖∇D(x̂)‖ − 1)² averaged over
    /// the batch.
    case sample
    /// The seed script's defect, kept for comparison: `g.norm(2, dim=1)` on a [N, 1, H, W]
    /// gradient is |g| per pixel, so (|g| − 1)² is averaged over every pixel.
    case pixel
}

/// How the interpolates between a real and a fake sample are written, α being drawn per sample
/// uniformly in [0, 1]. Both give the same distribution of points; they differ in which end α
/// weighs, so a step reproduces a reference only with the reference's form.
public enum InterpolationForm: String, Sendable {
    /// x̂ = α·real + (1 − α)·fake: the seed script's.
    case seed
    /// x̂ = real + α·(fake − real): the official WGAN-GP code's.
    case official
}

/// The WGAN-GP penalty at the interpolates x̂ between real and fake samples, α per sample.
///
/// The input gradient is taken with `createGraph`, so the penalty can be differentiated with
/// respect to the critic's weights (double backward).
public struct GradientPenalty {
    public let norm: PenaltyNorm

    public init(norm: PenaltyNorm) { self.norm = norm }

    /// The interpolates for `alpha` of shape [N, 1].
    public static func interpolates(real: Tensor, fake: Tensor, alpha: Tensor, form: InterpolationForm = .seed) -> Tensor {
        let n = real.shape[0]
        let a = alpha.reshaped([n] + Array(repeating: 1, count: real.rank - 1))
        switch form {
        case .seed: return a * real + (1 - a) * fake
        case .official: return real + a * (fake - real)
        }
    }

    /// Returns the penalty and the input gradient ∂ΣD(x̂)/∂x̂ (with the interpolates' shape).
    public func callAsFunction(critic: (Tensor) -> Tensor, interpolates: Tensor) -> (penalty: Tensor, inputGradient: Tensor) {
        let x = interpolates.detached().requiringGrad()
        let d = critic(x)
        let g = gradients(of: d, withRespectTo: [x], createGraph: true)[0]
        let norms: Tensor
        switch norm {
        case .sample: norms = g.flattened().norm(axes: [1])
        case .pixel: norms = g.norm(axes: [1])
        }
        return ((norms - 1).square().mean(), g)
    }
}

/// A critic that scores each sample on its own (no batch statistics, nothing shared between the
/// rows of a batch). Declaring it lets `WGANGPStep.criticStep` take its fast path — real and fake
/// scored as one batch, the loss's two parts differentiated side by side — which `CriticStepTests`
/// checks against the plain step for every model of the catalogue; any other critic gets the
/// plain step.
public protocol PerSampleCritic: Module {}

/// A critic whose first layer is linear in its input (a linear or convolutional layer). Its
/// first product on the interpolates α·real + (1 − α)·fake is then α·(real's) + (1 − α)·(fake's),
/// so a training step that scores real and fake anyway gets the interpolates' for free (used
/// with the seed's interpolation form, whose rounding it reproduces).
public protocol LinearInputCritic: PerSampleCritic {
    /// The first layer's linear map of `x` (without its bias), as a constant.
    func inputProduct(_ x: Tensor) -> Tensor
    /// The critic's output on `x`, given `inputProduct(x)` computed elsewhere; gradients flow to
    /// `x` and to every parameter as through `forward(_:)`.
    func forward(_ x: Tensor, inputProduct: Tensor) -> Tensor
}
