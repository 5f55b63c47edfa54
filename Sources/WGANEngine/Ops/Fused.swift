/// Fused ops: one kernel where the plain ops would make several passes and allocations.
///
/// Each fused op has a *reference*, the same function written in plain differentiable ops.
/// Its fast backward kernel runs when the backward pass is not recorded; when it is
/// (`createGraph`), the rule differentiates the reference instead, so the recorded backward is
/// made of ordinary ops and can be differentiated again. Tests check that kernel and reference
/// agree, forwards and backwards.
extension Tensor {
    static func fused(
        _ name: String, output: TensorStorage, shape: [Int], inputs: [Tensor],
        reference: @escaping ([Tensor]) -> Tensor,
        backward: @escaping Node.Backward
    ) -> Tensor {
        .result(output, shape: shape, op: name, inputs: inputs) { g, needs in
            guard GradMode.isEnabled else { return backward(g, needs) }
            let grads = gradients(of: reference(inputs), withRespectTo: inputs, gradOutput: g, createGraph: true)
            return zip(grads, needs).map { $1 ? $0 : nil }
        }
    }

    /// Both results when both are asked for, computed concurrently.
    static func pair(_ first: (() -> Tensor)?, _ second: (() -> Tensor)?) -> (Tensor?, Tensor?) {
        guard let first, let second else { return (first?(), second?()) }
        let (a, b) = Parallel.both(first, second)
        return (a, b)
    }

    /// x·Wᵀ + b in one product: the bias is written into the output first and sgemm adds to it.
    /// Its backward is already made of differentiable ops (products and a sum), so it needs no
    /// reference: dx = g·W, dW = gᵀ·x, db = Σ g over the batch.
    public func linear(weight: Tensor, bias: Tensor?) -> Tensor {
        guard let bias else { return matmul(weight, transposeOther: true) }
        checkLinearShapes(weight: weight, bias: bias)
        let (m, k, n) = (shape[0], shape[1], weight.shape[0])
        let out = TensorStorage(uninitializedCount: m * n)
        for row in 0..<m { (out.pointer + row * n).update(from: bias.storage.pointer, count: n) }
        if k > 0 && m > 0 && n > 0 {
            BLAS.sgemm(transA: false, transB: true, m: m, n: n, k: k, a: storage.pointer, lda: k,
                       b: weight.storage.pointer, ldb: k, beta: 1, c: out.pointer, ldc: n)
        }
        return linearResult(out, weight: weight, bias: bias)
    }

    /// x·Wᵀ + b where the caller already has the product x·Wᵀ (`product`, a constant): only the
    /// bias is added, and gradients flow to x, W and b exactly as through `linear`. For inputs
    /// whose product is known by linearity — the critic's input on interpolates α·a + (1−α)·b
    /// is α·(a·Wᵀ) + (1−α)·(b·Wᵀ) — this saves the product.
    public func linear(weight: Tensor, bias: Tensor, product: Tensor) -> Tensor {
        checkLinearShapes(weight: weight, bias: bias)
        precondition(product.shape == [shape[0], weight.shape[0]], "linear: product \(product.shape) does not fit input \(shape) and weight \(weight.shape)")
        let out = Elementwise.broadcast(product, bias, to: product.shape, +)
        return linearResult(out, weight: weight, bias: bias)
    }

    private func checkLinearShapes(weight: Tensor, bias: Tensor) {
        precondition(rank == 2 && weight.rank == 2 && shape[1] == weight.shape[1] && bias.shape == [weight.shape[0]],
                     "linear: input \(shape), weight \(weight.shape), bias \(bias.shape) do not fit")
    }

    private func linearResult(_ out: TensorStorage, weight: Tensor, bias: Tensor) -> Tensor {
        let x = self
        return .result(out, shape: [shape[0], weight.shape[0]], op: "linear", inputs: [x, weight, bias]) { g, needs in
            // dx continues the backward chain, dW is a leaf gradient: as products of equal size
            // they run side by side on two cores.
            let (dx, dW) = Tensor.pair(needs[0] ? { g.matmul(weight) } : nil,
                                       needs[1] ? { g.matmul(x, transposeSelf: true) } : nil)
            return [dx, dW, needs[2] ? g.sum(axes: [0]) : nil]
        }
    }

    /// Training-mode batch normalisation of [N, C] over the batch axis, with the batch's mean and
    /// biased variance (returned too, for running statistics, as constants).
    /// Reference: (x − mean)/√(var + eps)·γ + β in plain ops.
    public func batchNorm(weight: Tensor, bias: Tensor, eps: Float) -> (output: Tensor, mean: Tensor, variance: Tensor) {
        precondition(rank == 2 && weight.shape == [shape[1]] && bias.shape == [shape[1]],
                     "batchNorm: input \(shape), weight \(weight.shape), bias \(bias.shape) do not fit")
        let (n, c) = (shape[0], shape[1])
        let (out, stats) = BatchNormKernels.forward(storage, rows: n, columns: c, eps: eps,
                                                    weight: weight.storage, bias: bias.storage)
        let x = self
        let y = Tensor.fused("batchNorm", output: out, shape: shape, inputs: [x, weight, bias], reference: { t in
            let mean = t[0].mean(axes: [0], keepDims: true)
            let centered = t[0] - mean
            return centered / (centered.square().mean(axes: [0], keepDims: true) + eps).sqrt() * t[1] + t[2]
        }) { g, _ in
            let (dx, dWeight, dBias) = BatchNormKernels.backward(
                g.storage, x.storage, rows: n, columns: c, statistics: stats, weight: weight.storage)
            return [Tensor(storage: dx, shape: [n, c]), Tensor(storage: dWeight, shape: [c]), Tensor(storage: dBias, shape: [c])]
        }
        return (y, Tensor(storage: stats.mean, shape: [c]), Tensor(storage: stats.variance, shape: [c]))
    }
}
