import WGANEngine
import WGANOptim

/// Where data-parallel training joins a step: each rank computes its loss on its shard of the
/// global batch, and the gradients are summed over the ranks between the backward pass and the
/// optimizer's step, so that every rank takes the same step, the one a single process would take
/// on the whole batch.
///
/// A step holding no reduction (one process) runs exactly as before.
public protocol GradientReduction: AnyObject {
    /// This rank's share of the global batch (its rows over the global batch's rows). Each loss,
    /// a mean over this rank's rows, is scaled by it: the sum over the ranks of these losses is
    /// the mean over the whole batch, and so is the sum of their gradients.
    var localShare: Float { get }

    /// Sums each parameter's gradient — the sum of its parts — over every rank, and each of
    /// `statistics` (the step's losses, scaled) with them. Every rank calls it with the same
    /// shapes in the same order.
    func allReduce(_ gradientParts: [[Tensor]], statistics: [Float]) -> (gradients: [Tensor], statistics: [Float])
}

extension GradientReduction {
    /// `loss` as this rank's part of the whole batch's loss (unchanged for a share of 1).
    public func scaled(_ loss: Tensor) -> Tensor { localShare == 1 ? loss : loss * localShare }
}

extension Optional where Wrapped == any GradientReduction {
    /// `loss` scaled to this rank's share, or unchanged without a reduction.
    func scaled(_ loss: Tensor) -> Tensor { self?.scaled(loss) ?? loss }

    /// The gradients (as one part each) and statistics summed over every rank, or those given,
    /// untouched, without a reduction.
    func reduce(_ gradientParts: [[Tensor]], statistics: [Float]) -> (gradientParts: [[Tensor]], statistics: [Float]) {
        guard let reduction = self else { return (gradientParts, statistics) }
        let reduced = reduction.allReduce(gradientParts, statistics: statistics)
        return (reduced.gradients.map { [$0] }, reduced.statistics)
    }

    /// This rank's share, 1 without a reduction.
    var share: Float { self?.localShare ?? 1 }

    /// One generator update from `loss` (this rank's, unscaled): its gradients with respect to
    /// `optimizer`'s parameters only, summed over the ranks, then the optimizer's step. Returns
    /// the whole batch's loss.
    func updateGenerator(loss: Tensor, optimizer: Optimizer) -> Float {
        let loss = scaled(loss)
        optimizer.zeroGrad()
        // Only the generator's gradients: the critic's weight gradients would be thrown away.
        let (grads, sums) = reduce(gradients(of: loss, withRespectTo: optimizer.parameters).map { [$0] }, statistics: [loss.item])
        for (parameter, grad) in zip(optimizer.parameters, grads) { parameter.grad = grad[0] }
        optimizer.step()
        return sums[0]
    }
}
