/// One recorded op: its inputs and the rule that turns the gradient of its output into
/// gradients of its inputs.
///
/// A rule is written in the engine's own ops, so when the backward pass records (with
/// `createGraph`), its results are themselves differentiable. A rule receives which inputs
/// need a gradient and returns nil for the others, so unused gradients cost nothing.
///
/// Ownership runs one way only: output → node → inputs. A rule must never capture the output
/// tensor (that would be a cycle); it captures inputs or the output's `storage` instead.
final class Node {
    typealias Backward = (_ gradOutput: Tensor, _ needsGrad: [Bool]) -> [Tensor?]

    let name: String
    let inputs: [Tensor]
    let backward: Backward

    init(name: String, inputs: [Tensor], backward: @escaping Backward) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }
}

extension Tensor {
    /// Wraps a freshly computed result, recording `backward` when gradients are being recorded
    /// and some input needs them.
    @inline(__always)
    static func result(
        _ storage: TensorStorage, shape: [Int], op name: String, inputs: [Tensor],
        backward: @escaping Node.Backward
    ) -> Tensor {
        if GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) {
            return Tensor(shape: shape, storage: storage, origin: Node(name: name, inputs: inputs, backward: backward))
        }
        return Tensor(shape: shape, storage: storage)
    }
}
