/// +, −, ×, ÷ between tensors (with broadcasting) and with scalars.
///
/// A broadcast operand's gradient is summed back to its own shape (`sumToShape`).
extension Tensor {
    private static func broadcastShape(_ a: Tensor, _ b: Tensor, _ op: String) -> [Int] {
        guard let shape = Shape.broadcast(a.shape, b.shape) else {
            preconditionFailure("\(op): shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        return shape
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let shape = broadcastShape(a, b, "add")
        let out = Elementwise.broadcast(a, b, to: shape, +)
        return .result(out, shape: shape, op: "add", inputs: [a, b]) { g, needs in
            [needs[0] ? g.sumToShape(a.shape) : nil, needs[1] ? g.sumToShape(b.shape) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let shape = broadcastShape(a, b, "sub")
        let out = Elementwise.broadcast(a, b, to: shape, -)
        return .result(out, shape: shape, op: "sub", inputs: [a, b]) { g, needs in
            [needs[0] ? g.sumToShape(a.shape) : nil, needs[1] ? (-g).sumToShape(b.shape) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let shape = broadcastShape(a, b, "mul")
        let out = Elementwise.broadcast(a, b, to: shape, *)
        return .result(out, shape: shape, op: "mul", inputs: [a, b]) { g, needs in
            [needs[0] ? (g * b).sumToShape(a.shape) : nil, needs[1] ? (g * a).sumToShape(b.shape) : nil]
        }
    }

    /// d(a/b)/da = 1/b, d(a/b)/db = −a/b².
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let shape = broadcastShape(a, b, "div")
        let out = Elementwise.broadcast(a, b, to: shape, /)
        return .result(out, shape: shape, op: "div", inputs: [a, b]) { g, needs in
            let gOverB = g / b
            return [needs[0] ? gOverB.sumToShape(a.shape) : nil,
                    needs[1] ? (-(gOverB * a / b)).sumToShape(b.shape) : nil]
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        let out = Elementwise.map(a.storage) { -$0 }
        return .result(out, shape: a.shape, op: "neg", inputs: [a]) { g, _ in [-g] }
    }

    /// `self · s` for a constant s.
    public func scaled(by s: Float) -> Tensor {
        let out = Elementwise.map(storage) { $0 * s }
        return .result(out, shape: shape, op: "scale", inputs: [self]) { g, _ in [g.scaled(by: s)] }
    }

    /// `self + s` for a constant s.
    public func shifted(by s: Float) -> Tensor {
        let out = Elementwise.map(storage) { $0 + s }
        return .result(out, shape: shape, op: "shift", inputs: [self]) { g, _ in [g] }
    }

    public static func * (a: Tensor, s: Float) -> Tensor { a.scaled(by: s) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.scaled(by: s) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.scaled(by: 1 / s) }
    public static func + (a: Tensor, s: Float) -> Tensor { a.shifted(by: s) }
    public static func + (s: Float, a: Tensor) -> Tensor { a.shifted(by: s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.shifted(by: -s) }
    public static func - (s: Float, a: Tensor) -> Tensor { (-a).shifted(by: s) }
}
