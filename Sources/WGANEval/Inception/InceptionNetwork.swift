import Foundation
import WGANEngine

/// A state dict of the FID Inception network: pytorch-fid's key names
/// (`Conv2d_1a_3x3.conv.weight`, `Mixed_5b.branch1x1.bn.running_mean`, `fc.weight`, …), as
/// `pt_inception-2015-12-05-6726825d.pth` holds them.
public struct InceptionWeights {
    public let tensors: [String: Tensor]
    /// The SHA-256 of the file they came from (hexadecimal), which names the features they give.
    public let digest: String?

    public init(_ tensors: [String: Tensor], digest: String? = nil) { (self.tensors, self.digest) = (tensors, digest) }

    func tensor(_ key: String, rank: Int) throws(EvaluationError) -> Tensor {
        guard let tensor = tensors[key] else { throw .invalid("the Inception weights lack '\(key)'") }
        guard tensor.rank == rank else { throw .invalid("the Inception weight '\(key)' has shape \(tensor.shape), not rank \(rank)") }
        return tensor
    }

    func vector(_ key: String, count: Int) throws(EvaluationError) -> [Float] {
        let tensor = try tensor(key, rank: 1)
        guard tensor.count == count else { throw .invalid("the Inception weight '\(key)' has shape \(tensor.shape), not [\(count)]") }
        return tensor.scalars
    }
}

/// The FID Inception network exactly as pytorch-fid 0.3.0 builds it (`pytorch_fid/inception.py`):
/// torchvision's Inception-v3 with 1008 classes and pytorch-fid's FIDInceptionA, C, E_1 and E_2
/// blocks, in evaluation mode. Images are resized to 299×299 (bilinear, align_corners=False)
/// and mapped from [0, 1] to [−1, 1] first, as pytorch-fid's `resize_input` and
/// `normalize_input` do.
public final class InceptionNetwork {
    /// The final average pool's width: FID's and KID's features.
    public static let featureCount = 2048
    /// The classifier's outputs (1,008: the 2015 TensorFlow graph's classes).
    public static let classCount = 1008
    /// Images run through the network at a time: memory is bounded by this, not by a set's size.
    public static let batchSize = 25
    static let inputSide = 299

    private let stem: [InceptionConv]
    private let stem2: [InceptionConv]
    private let mixed5: [InceptionA], mixed6a: InceptionB, mixed6: [InceptionC], mixed7a: InceptionD, mixed7: [InceptionE]
    /// `fc.weight` [1008, 2048]; its bias is left out of the Inception score's logits.
    private let classifier: Tensor
    /// The weights file's SHA-256, when known: cached reference features are keyed by it.
    public let weightsDigest: String?

    public init(weights: InceptionWeights) throws(EvaluationError) {
        weightsDigest = weights.digest
        stem = [try InceptionConv(weights, "Conv2d_1a_3x3", stride: 2, same: false), try InceptionConv(weights, "Conv2d_2a_3x3", same: false),
                try InceptionConv(weights, "Conv2d_2b_3x3")]
        stem2 = [try InceptionConv(weights, "Conv2d_3b_1x1"), try InceptionConv(weights, "Conv2d_4a_3x3", same: false)]
        mixed5 = [try InceptionA(weights, "Mixed_5b"), try InceptionA(weights, "Mixed_5c"), try InceptionA(weights, "Mixed_5d")]
        mixed6a = try InceptionB(weights, "Mixed_6a")
        mixed6 = [try InceptionC(weights, "Mixed_6b"), try InceptionC(weights, "Mixed_6c"), try InceptionC(weights, "Mixed_6d"),
                  try InceptionC(weights, "Mixed_6e")]
        mixed7a = try InceptionD(weights, "Mixed_7a")
        mixed7 = [try InceptionE(weights, "Mixed_7b", pooling: .averageOfValid), try InceptionE(weights, "Mixed_7c", pooling: .maximum)]
        classifier = try weights.tensor("fc.weight", rank: 2)
        guard classifier.shape == [Self.classCount, Self.featureCount] else {
            throw .invalid("the Inception weight 'fc.weight' has shape \(classifier.shape), not [\(Self.classCount), \(Self.featureCount)]")
        }
    }

    /// What the network gives for a batch of images.
    public struct Outputs {
        /// The final average pool [N, 2048]: FID's features.
        public let pool3: Tensor
        /// pool3 · fc.weightᵀ [N, 1008], without the bias, as the original Inception score code and
        /// torch-fidelity compute it.
        public let logits: Tensor
        /// Per-channel means after the first max pool [N, 64], the second [N, 192] and Mixed_6e
        /// [N, 768] (pytorch-fid's blocks 0–2), for locating a difference.
        public let blockMeans: [Tensor]

        public init(pool3: Tensor, logits: Tensor, blockMeans: [Tensor] = []) {
            (self.pool3, self.logits, self.blockMeans) = (pool3, logits, blockMeans)
        }
    }

    /// The outputs for `images` [N, 3, H, W] in [0, 1], `batchSize` images at a time.
    public func callAsFunction(_ images: Tensor) -> Outputs {
        precondition(images.rank == 4 && images.shape[1] == 3, "the Inception network takes [N, 3, H, W] images, not \(images.shape)")
        var batches: [Outputs] = []
        for start in stride(from: 0, to: images.shape[0], by: Self.batchSize) {
            batches.append(withoutGrad { batch(images.rows(start..<min(images.shape[0], start + Self.batchSize))) })
        }
        return Outputs(pool3: Tensor.concatenate(batches.map(\.pool3)), logits: Tensor.concatenate(batches.map(\.logits)),
                       blockMeans: (0..<3).map { block in Tensor.concatenate(batches.map { $0.blockMeans[block] }) })
    }

    private func batch(_ images: Tensor) -> Outputs {
        let resized = InceptionKernels.resizeBilinear(images, height: Self.inputSide, width: Self.inputSide)
        var x = stem.reduce(resized * 2 - 1) { $1($0) }
        x = InceptionKernels.pool3x3(x, .maximum, stride: 2, padding: 0)
        let block0 = InceptionKernels.planeMeans(x)
        x = InceptionKernels.pool3x3(stem2.reduce(x) { $1($0) }, .maximum, stride: 2, padding: 0)
        let block1 = InceptionKernels.planeMeans(x)
        x = mixed6.reduce(mixed6a(mixed5.reduce(x) { $1($0) })) { $1($0) }
        let block2 = InceptionKernels.planeMeans(x)
        x = mixed7.reduce(mixed7a(x)) { $1($0) }
        let pool3 = InceptionKernels.planeMeans(x)
        return Outputs(pool3: pool3, logits: pool3.matmul(classifier, transposeOther: true), blockMeans: [block0, block1, block2])
    }
}
