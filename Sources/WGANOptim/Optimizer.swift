import WGANEngine

/// An optimizer updates parameters in place from their `grad`, as PyTorch's `optimizer.step()`;
/// parameters without a gradient are left alone.
public protocol Optimizer: AnyObject {
    var parameters: [Tensor] { get }
    /// The learning rate; schedules may change it between steps.
    var learningRate: Float { get set }
    func step()
    /// A step where each parameter's gradient is the sum of the given parts (one list per
    /// parameter, in order), for gradients computed in pieces; `grad` is not read.
    func step(gradientParts: [[Tensor]])
    /// Per-parameter state (moments and the like) for checkpoints, by name.
    var state: [(name: String, values: [Float])] { get }
    /// Restores state saved from `state`; throws when names or sizes differ.
    func loadState(_ values: [String: [Float]]) throws
}

extension Optimizer {
    /// Sums the parts into each parameter's `grad`, then steps.
    public func step(gradientParts: [[Tensor]]) {
        precondition(gradientParts.count == parameters.count, "one list of gradient parts per parameter")
        for (parameter, parts) in zip(parameters, gradientParts) {
            parameter.grad = parts.isEmpty ? nil : withoutGrad { parts.dropFirst().reduce(parts[0], +) }
        }
        step()
    }

    /// Clears every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`).
    public func zeroGrad() {
        for p in parameters { p.grad = nil }
    }
}

public struct OptimizerStateError: Error, CustomStringConvertible {
    public let description: String
}

/// Zero-initialised per-parameter buffers, one per parameter, with checkpoint names
/// "<prefix>.<index>" (PyTorch numbers parameters in its optimizer state the same way).
struct SlotBuffers {
    let prefix: String
    private(set) var slots: [TensorStorage]

    init(_ prefix: String, for parameters: [Tensor]) {
        self.prefix = prefix
        slots = parameters.map { TensorStorage(count: $0.count, repeating: 0) }
    }

    var named: [(name: String, values: [Float])] {
        slots.enumerated().map { ("\(prefix).\($0.offset)", Array($0.element.buffer)) }
    }

    func load(_ values: [String: [Float]]) throws {
        for (i, slot) in slots.enumerated() {
            let name = "\(prefix).\(i)"
            guard let saved = values[name], saved.count == slot.count else {
                throw OptimizerStateError(description: "optimizer state '\(name)' is missing or has the wrong size")
            }
            saved.withUnsafeBufferPointer { slot.pointer.update(from: $0.baseAddress!, count: saved.count) }
        }
    }
}

/// The step counter, stored as a one-element array so it travels with the other state.
func loadStepCount(_ values: [String: [Float]]) throws -> Int {
    guard let saved = values["step"], saved.count == 1, saved[0] >= 0 else {
        throw OptimizerStateError(description: "optimizer state 'step' is missing or invalid")
    }
    return Int(saved[0])
}
