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

    /// Euclidean norm over `axes`: sqrt(Σx² + epsilon).
    ///
    /// The gradient of sqrt is infinite at 0; `epsilon` (PyTorch's usual guard for a gradient
    /// penalty) keeps it finite and changes no result measurably. Pass 0 for the plain norm.
    public func norm(axes: [Int]? = nil, keepDims: Bool = false, epsilon: Float = 1e-12) -> Tensor {
        let squares = square().sum(axes: axes, keepDims: keepDims)
        return (epsilon == 0 ? squares : squares.shifted(by: epsilon)).sqrt()
    }

    /// Population variance over `axes` (divides by n, as BatchNorm's normalisation does).
    public func variance(axes: [Int], keepDims: Bool = false) -> Tensor {
        let centered = self - mean(axes: axes, keepDims: true)
        return centered.square().mean(axes: axes, keepDims: keepDims)
    }
}
