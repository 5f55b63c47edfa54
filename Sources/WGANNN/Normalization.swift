import WGANEngine

/// Batch normalisation with PyTorch's running statistics, over rows of [rows, C] (one column per
/// feature): what `BatchNorm1d` and `BatchNorm2d` share. Their state dict names are PyTorch's
/// (`weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`).
///
/// Training mode normalises with the batch's mean and biased variance and moves the running
/// statistics towards the batch's mean and *unbiased* variance by `momentum`; evaluation mode
/// normalises with the running statistics.
public class BatchNorm: Module {
    public let weight: Tensor
    public let bias: Tensor
    public let runningMean: Tensor
    public let runningVar: Tensor
    public let numBatchesTracked = Counter()
    public let eps: Float
    public let momentum: Float
    /// When set, training mode normalises with the statistics of every rank's batch together
    /// (a SyncBatchNorm), so that data-parallel ranks train the model one process would.
    public var communicator: Communicator?

    /// Whether `weight` and `bias` are parameters; without (PyTorch's `affine=False`) they are
    /// constant ones and zeros, and absent from the state dict.
    public let affine: Bool

    init(features: Int, eps: Float, momentum: Float, affine: Bool = true) {
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        weight = affine ? Tensor.ones([features]).requiringGrad() : Tensor.ones([features])
        bias = affine ? Tensor.zeros([features]).requiringGrad() : Tensor.zeros([features])
        runningMean = Tensor.zeros([features])
        runningVar = Tensor.ones([features])
        super.init()
        if affine {
            registerParameter("weight", weight)
            registerParameter("bias", bias)
        }
        registerBuffer("running_mean", runningMean)
        registerBuffer("running_var", runningVar)
        registerCounter("num_batches_tracked", numBatchesTracked)
    }

    /// Normalises the rows of [rows, C] as the mode says; `name` is the layer's, for messages.
    func normalizeRows(_ input: Tensor, name: String) -> Tensor {
        guard isTraining else {
            let scale = weight / (runningVar.detached() + eps).sqrt()
            return (input - runningMean.detached()) * scale + bias
        }
        if let communicator {
            let (output, mean, variance, total) = input.syncBatchNorm(weight: weight, bias: bias, eps: eps, communicator: communicator)
            precondition(total > 1, "BatchNorm1d in training mode needs more than one sample per batch")
            lastBatchStatistics = (mean, variance, total)
            updateRunningStatistics(mean: mean, biasedVariance: variance, count: total)
            return output
        }
        let n = input.shape[0]
        precondition(n > 1, "\(name) in training mode needs more than one value per channel")
        let (output, mean, variance) = input.batchNorm(weight: weight, bias: bias, eps: eps)
        lastBatchStatistics = (mean, variance, n)
        updateRunningStatistics(mean: mean, biasedVariance: variance, count: n)
        return output
    }

    /// The batch statistics of the last training-mode forward pass.
    private var lastBatchStatistics: (mean: Tensor, variance: Tensor, count: Int)?

    /// Applies the last forward pass's running-statistics update once more, exactly as running
    /// that forward pass again would. For callers that reuse a forward pass where PyTorch code
    /// computes the same one twice (the seed's generator runs G(z) in the critic step and again
    /// in the generator step).
    public func repeatLastStatisticsUpdate() {
        guard let (mean, variance, n) = lastBatchStatistics else { return }
        updateRunningStatistics(mean: mean, biasedVariance: variance, count: n)
    }

    private func updateRunningStatistics(mean: Tensor, biasedVariance: Tensor, count n: Int) {
        let m = momentum, unbias = Float(n) / Float(n - 1)
        let rm = runningMean.storage.pointer, rv = runningVar.storage.pointer
        let bm = mean.storage.pointer, bv = biasedVariance.storage.pointer
        for i in 0..<runningMean.count {
            rm[i] = (1 - m) * rm[i] + m * bm[i]
            rv[i] = (1 - m) * rv[i] + m * bv[i] * unbias
        }
        numBatchesTracked.value += 1
    }
}

/// Batch normalisation over the batch axis of [N, C] inputs, as PyTorch's `nn.BatchNorm1d`.
public final class BatchNorm1d: BatchNorm {
    /// Note: PyTorch's positional order is (features, eps, momentum), so the seed's
    /// `BatchNorm1d(256, 0.8)` sets eps = 0.8.
    public init(_ features: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        super.init(features: features, eps: eps, momentum: momentum)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank == 2 && input.shape[1] == weight.count,
                     "BatchNorm1d(\(weight.count)) needs [N, \(weight.count)] input, not \(input.shape)")
        return normalizeRows(input, name: "BatchNorm1d")
    }
}

/// Batch normalisation of [N, C, H, W] per channel, over N, H and W, as PyTorch's
/// `nn.BatchNorm2d`: each channel's N·H·W values are one column of the shared row kernel
/// (through an NHWC view), so the statistics, the running update's unbiasing (by N·H·W) and
/// the double backward are BatchNorm1d's. Only generators use it: it couples a batch's samples,
/// which the critic's penalty must not see.
public final class BatchNorm2d: BatchNorm {
    public init(_ channels: Int, eps: Float = 1e-5, momentum: Float = 0.1, affine: Bool = true) {
        super.init(features: channels, eps: eps, momentum: momentum, affine: affine)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        let c = weight.count
        precondition(input.rank == 4 && input.shape[1] == c,
                     "BatchNorm2d(\(c)) needs [N, \(c), H, W] input, not \(input.shape)")
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3])
        let rows = input.permuted([0, 2, 3, 1]).reshaped([n * h * w, c])
        return normalizeRows(rows, name: "BatchNorm2d").reshaped([n, h, w, c]).permuted([0, 3, 1, 2])
    }
}

/// Normalisation over the trailing `normalizedShape` axes of each sample, as `nn.LayerNorm`.
public final class LayerNorm: Module {
    public let weight: Tensor?
    public let bias: Tensor?
    public let normalizedShape: [Int]
    public let eps: Float

    public init(_ normalizedShape: [Int], eps: Float = 1e-5, elementwiseAffine: Bool = true) {
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = elementwiseAffine ? Tensor.ones(normalizedShape).requiringGrad() : nil
        bias = elementwiseAffine ? Tensor.zeros(normalizedShape).requiringGrad() : nil
        super.init()
        if let weight, let bias {
            registerParameter("weight", weight)
            registerParameter("bias", bias)
        }
    }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(Array(input.shape.suffix(normalizedShape.count)) == normalizedShape,
                     "LayerNorm(\(normalizedShape)) got input \(input.shape)")
        let axes = Array((input.rank - normalizedShape.count)..<input.rank)
        let centered = input - input.mean(axes: axes, keepDims: true)
        let variance = centered.square().mean(axes: axes, keepDims: true)
        let normalized = centered / (variance + eps).sqrt()
        guard let weight, let bias else { return normalized }
        return normalized * weight + bias
    }
}

extension Module {
    /// The layers of this module that normalise with the statistics of their batch (every
    /// `BatchNorm`, of any rank): those a data-parallel run synchronises across ranks, and those
    /// that make a critic unfit for the per-sample penalty.
    public var batchStatisticsLayers: [BatchNorm] { modules.compactMap { $0 as? BatchNorm } }
}
