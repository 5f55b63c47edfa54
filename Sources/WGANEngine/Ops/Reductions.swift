/// Sums and means over all or some axes, and norms built from them.
extension Tensor {
    /// Sum over `axes` (all axes by default). With `keepDims` the reduced axes stay as 1s.
    /// Backward: the gradient is expanded back over the reduced axes.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let reduced = Shape.normalizedAxes(axes ?? Array(0..<rank), rank: rank)
        let (summed, kept) = Reduction.sum(storage, shape: shape, axes: reduced)
        let outShape = keepDims ? kept : kept.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        // With nothing reduced, the kernel hands back the input's own storage: copy it.
        let out = summed === storage ? copy().storage : summed
        let source = shape
        return .result(out, shape: outShape, op: "sum", inputs: [self]) { g, _ in
            [g.reshaped(kept).expanded(to: source)]
        }
    }

    /// Mean over `axes` (all axes by default).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let reduced = Shape.normalizedAxes(axes ?? Array(0..<rank), rank: rank)
        let n = reduced.reduce(1) { $0 * shape[$1] }
        return sum(axes: reduced, keepDims: keepDims).scaled(by: 1 / Float(max(n, 1)))
    }

    /// Euclidean norm over `axes` (all axes by default), as PyTorch's `norm(2, dim)`.
    ///
    /// Backward: g·x/‖x‖, and 0 where ‖x‖ = 0 (PyTorch's choice at the kink), written as a
    /// division by ‖x‖ with zeros replaced by +∞ so that it stays differentiable.
    public func norm(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let reduced = Shape.normalizedAxes(axes ?? Array(0..<rank), rank: rank)
        let (sums, kept) = Reduction.sum(Elementwise.map(storage) { $0 * $0 }, shape: shape, axes: reduced)
        let out = Elementwise.map(sums) { $0.squareRoot() }
        let outShape = keepDims ? kept : kept.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        let x = self
        return .result(out, shape: outShape, op: "norm", inputs: [x]) { g, _ in
            let y = GradMode.isEnabled ? x.norm(axes: reduced, keepDims: true) : Tensor(storage: out, shape: kept)
            let scale = g.reshaped(kept) / y.replacingZeros(with: .infinity)
            return [scale.expanded(to: x.shape) * x]
        }
    }

    /// This tensor with every 0 replaced by `value`; the gradient passes where nothing was
    /// replaced and is 0 where something was.
    public func replacingZeros(with value: Float) -> Tensor {
        let out = Elementwise.map(storage) { $0 == 0 ? value : $0 }
        let passes = Tensor(storage: Elementwise.map(storage) { $0 == 0 ? 0 : 1 }, shape: shape)
        return .result(out, shape: shape, op: "replacingZeros", inputs: [self]) { g, _ in [g * passes] }
    }

    /// Population variance over `axes` (divides by n, as BatchNorm's normalisation does).
    public func variance(axes: [Int], keepDims: Bool = false) -> Tensor {
        let centered = self - mean(axes: axes, keepDims: true)
        return centered.square().mean(axes: axes, keepDims: keepDims)
    }
}
