/// The pair of ops that broadcasting's gradients need: expanding to a larger shape and summing
/// back. Each is the other's derivative, which keeps the op set closed.
extension Tensor {
    /// This tensor repeated along broadcast axes to `target` (NumPy rules).
    public func expanded(to target: [Int]) -> Tensor {
        if shape == target { return self }
        guard Shape.broadcast(shape, target) == target else {
            preconditionFailure("cannot expand \(shape) to \(target)")
        }
        let out = Elementwise.expand(self, to: target)
        let source = shape
        return .result(out, shape: target, op: "expand", inputs: [self]) { g, _ in [g.sumToShape(source)] }
    }

    /// Sums a broadcast result back to `target`: over the extra leading axes, and over axes
    /// where `target` has 1 and this tensor does not.
    public func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        precondition(lead >= 0, "cannot sum \(shape) to the larger \(target)")
        var axes = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
        return sum(axes: axes).reshaped(target)
    }
}
