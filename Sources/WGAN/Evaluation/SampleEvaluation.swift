import Foundation
import WGANData
import WGANEngine
import WGANEval
import WGANModels

/// Images for evaluation: a generator's, scaled from its output range to [0, 1] as the classifier
/// takes them.
extension GeneratorSampler {
    /// `count` images from latent vectors drawn with `seed`, generated and handed to `body`
    /// `batchSize` at a time (in `batchNorm` mode: with `.batch`, each batch's own statistics), as
    /// [n, C, H, W] in [0, 1]. The latent vectors are `noise(count:seed:)`'s, drawn a batch at a
    /// time (an even `batchSize` keeps each pair of normal draws in one batch), so memory is
    /// bounded by the batch, not by `count`.
    public func forEachUnitImageBatch(count: Int, seed: UInt64, batchNorm: BatchNormMode = .running,
                                      batchSize: Int = Evaluator.batchSize, _ body: (Tensor) throws -> Void) throws {
        precondition(batchSize > 0 && batchSize % 2 == 0, "batches of an even size keep the normal draws' pairs together")
        var random = RandomGenerator(seed: seed)
        for start in stride(from: 0, to: count, by: batchSize) {
            let z = Tensor.randn([min(count, start + batchSize) - start, latentDimension], using: &random)
            try body(Self.unitRange(try images(for: z, batchNorm: batchNorm), from: model.pixelValues))
        }
    }

    /// `images` moved from `values` to [0, 1].
    static func unitRange(_ images: Tensor, from values: PixelValues) -> Tensor {
        values == .unit ? images : withoutGrad { (images + 1) * 0.5 }
    }
}
