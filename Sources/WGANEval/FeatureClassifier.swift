import WGANEngine
import WGANNN

/// The small CNN whose penultimate layer gives the features FID compares, one per dataset:
/// x [N, 1, 28, 28] in [0, 1] → `conv1` (5×5, stride 2, 32, 14×14) → LeakyReLU 0.2 → `conv2`
/// (5×5, stride 2, 64, 7×7) → LeakyReLU → flatten → `linear` (128) → LeakyReLU: the features →
/// `out` (10 logits). No batch statistics, so a sample's features never depend on its batch.
public final class FeatureClassifier: Module {
    public static let imageShape = [1, 28, 28]
    public static let featureCount = 128
    public static let classCount = 10
    public let conv1, conv2: Conv2d
    public let linear, out: Linear
    public let negativeSlope: Float = 0.2

    public init(using rng: inout RandomGenerator) {
        conv1 = Conv2d(1, 32, kernelSize: 5, stride: 2, padding: 2, using: &rng)
        conv2 = Conv2d(32, 64, kernelSize: 5, stride: 2, padding: 2, using: &rng)
        linear = Linear(64 * 7 * 7, Self.featureCount, using: &rng)
        out = Linear(Self.featureCount, Self.classCount, using: &rng)
        super.init()
        registerModule("conv1", conv1)
        registerModule("conv2", conv2)
        registerModule("linear", linear)
        registerModule("out", out)
    }

    /// The penultimate layer's activations [N, 128].
    public func features(_ x: Tensor) -> Tensor {
        var h = conv1(x).leakyReLU(negativeSlope: negativeSlope)
        h = conv2(h).leakyReLU(negativeSlope: negativeSlope)
        return linear(h.flattened()).leakyReLU(negativeSlope: negativeSlope)
    }

    /// The logits [N, 10].
    public override func forward(_ x: Tensor) -> Tensor { out(features(x)) }

    /// Features and logits of `images` [N, 1, 28, 28] in [0, 1], computed without recording a
    /// graph, `batchSize` images at a time (so memory stays small for any N).
    public func featuresAndLogits(_ images: Tensor, batchSize: Int = 500) -> (features: Tensor, logits: Tensor) {
        let n = images.shape[0]
        var featureParts: [Tensor] = [], logitParts: [Tensor] = []
        withoutGrad {
            for start in stride(from: 0, to: n, by: batchSize) {
                let f = features(images.rows(start..<min(n, start + batchSize)))
                featureParts.append(f)
                logitParts.append(out(f))
            }
        }
        return (Tensor.concatenate(featureParts), Tensor.concatenate(logitParts))
    }
}

extension Tensor {
    /// The mean cross-entropy of logits [N, K] against integer labels: mean over rows of
    /// log Σⱼ exp zⱼ − z_label, with each row shifted by its largest logit (a constant: the
    /// shift cancels in the value and in the gradient) so that exp cannot overflow.
    public func crossEntropy(labels: [Int]) -> Tensor {
        precondition(rank == 2 && shape[0] == labels.count, "logits \(shape) for \(labels.count) labels")
        let (n, k) = (shape[0], shape[1])
        let z = storage.pointer
        var peaks = [Float](repeating: 0, count: n), oneHot = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            peaks[i] = (0..<k).reduce(-Float.infinity) { Swift.max($0, z[i * k + $1]) }
            oneHot[i * k + labels[i]] = 1
        }
        let shifted = self - Tensor(peaks, shape: [n, 1])
        let logSumExp = shifted.exp().sum(axes: [1]).log()
        let picked = (shifted * Tensor(oneHot, shape: [n, k])).sum(axes: [1])
        return (logSumExp - picked).mean()
    }
}
