/// Per-channel ops on [N, C, …] tensors (NCHW): a bias add, a scale, and the sum over everything
/// but the channel axis, each one pass over raw storage. Broadcasting a [C] vector through the
/// generic ops would take the element-by-element fallback. The three are closed under
/// differentiation: the sum's backward is a bias add onto zeros, and the bias add's backward for
/// the bias is the sum.
extension Tensor {
    private var channelLayout: (batch: Int, channels: Int, plane: Int) {
        precondition(rank >= 2, "per-channel ops need [N, C, …], not \(shape)")
        return (shape[0], shape[1], Shape.count(Array(shape[2...])))
    }

    private func checkChannelVector(_ v: Tensor, _ op: String) {
        precondition(v.shape == [shape[1]], "\(op): per-channel vector \(v.shape) does not fit \(shape)")
    }

    /// x[n, c, …] + b[c] (a convolution's bias). Backward: g for x, Σ g over n and the plane for b.
    public func addingChannelBias(_ bias: Tensor) -> Tensor {
        checkChannelVector(bias, "addingChannelBias")
        let (n, c, plane) = channelLayout
        let out = Layout.perChannel(storage.pointer, bias.storage.pointer, batch: n, channels: c, plane: plane, +)
        return .result(out, shape: shape, op: "addChannelBias", inputs: [self, bias]) { g, needs in
            [needs[0] ? g : nil, needs[1] ? g.channelSums() : nil]
        }
    }

    /// x[n, c, …]·w[c]. Backward: g·w[c] for x, Σ g·x over n and the plane for w.
    public func multiplyingChannels(_ scale: Tensor) -> Tensor {
        checkChannelVector(scale, "multiplyingChannels")
        let (n, c, plane) = channelLayout
        let out = Layout.perChannel(storage.pointer, scale.storage.pointer, batch: n, channels: c, plane: plane, *)
        let x = self
        return .result(out, shape: shape, op: "multiplyChannels", inputs: [x, scale]) { g, needs in
            [needs[0] ? g.multiplyingChannels(scale) : nil, needs[1] ? (g * x).channelSums() : nil]
        }
    }

    /// Σ over every axis but the channel axis: [N, C, …] → [C]. Backward: the gradient repeated
    /// over n and the plane (a bias add onto zeros).
    public func channelSums() -> Tensor {
        let (n, c, plane) = channelLayout
        let out = Layout.channelSums(storage.pointer, times: nil, batch: n, channels: c, plane: plane)
        let source = shape
        return .result(out, shape: [c], op: "channelSums", inputs: [self]) { g, _ in
            [Tensor.zeros(source).addingChannelBias(g)]
        }
    }

    /// Per-sample layer normalisation of [N, C, H, W] over (C, H, W), then a per-channel scale and
    /// offset: the official WGAN-GP code's `Layernorm` (norm axes [1, 2, 3], eps 1e-5), which
    /// normalises each sample with its own statistics and so, unlike batch norm, keeps a critic's
    /// samples independent (the penalty needs that). Plain ops, so twice differentiable.
    public func layerNorm2d(weight: Tensor, bias: Tensor, eps: Float = 1e-5) -> Tensor {
        precondition(rank == 4, "layerNorm2d needs [N, C, H, W], not \(shape)")
        let flat = reshaped([shape[0], -1])
        let centered = flat - flat.mean(axes: [1], keepDims: true)
        let variance = centered.square().mean(axes: [1], keepDims: true)
        let normalized = (centered / (variance + eps).sqrt()).reshaped(shape)
        return normalized.multiplyingChannels(weight).addingChannelBias(bias)
    }
}
