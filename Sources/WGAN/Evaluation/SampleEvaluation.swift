import Foundation
import WGANData
import WGANEngine
import WGANEval
import WGANModels

/// Images for evaluation: a generator's, scaled from its output range to [0, 1] as the classifier
/// takes them.
extension GeneratorSampler {
    /// `count` images from latent vectors drawn with `seed`, generated `batchSize` at a time (in
    /// `batchNorm` mode: with `.batch`, each chunk's own statistics), as [N, C, H, W] in [0, 1].
    public func unitImages(count: Int, seed: UInt64, batchNorm: BatchNormMode = .running,
                           batchSize: Int = 500) throws(TrainingError) -> Tensor {
        let z = noise(count: count, seed: seed)
        var parts: [Tensor] = []
        for start in stride(from: 0, to: count, by: batchSize) {
            parts.append(try images(for: z.rows(start..<min(count, start + batchSize)), batchNorm: batchNorm))
        }
        return Self.unitRange(Tensor.concatenate(parts), from: model.pixelValues)
    }

    /// `images` moved from `values` to [0, 1].
    static func unitRange(_ images: Tensor, from values: PixelValues) -> Tensor {
        values == .unit ? images : withoutGrad { (images + 1) * 0.5 }
    }
}
