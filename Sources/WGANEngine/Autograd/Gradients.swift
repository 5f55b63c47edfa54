/// Reverse-mode differentiation over the recorded graph.

/// The gradients of `output` with respect to each of `inputs` (PyTorch's `torch.autograd.grad`).
///
/// - Parameters:
///   - gradOutput: the vector in the vector-Jacobian product; ones of `output`'s shape by default.
///   - createGraph: record the backward pass, so that the returned gradients can be differentiated
///     again (needed for a gradient penalty). Off, the backward pass records nothing.
/// - Returns: one gradient per input, shaped like it; zeros where `output` does not depend on it.
public func gradients(
    of output: Tensor, withRespectTo inputs: [Tensor], gradOutput: Tensor? = nil, createGraph: Bool = false
) -> [Tensor] {
    let targets = Set(inputs.map(ObjectIdentifier.init))
    let grads = backpropagate(from: output, gradOutput: gradOutput, createGraph: createGraph) { targets.contains(ObjectIdentifier($0)) }
    return inputs.map { grads[ObjectIdentifier($0)] ?? Tensor.zeros($0.shape) }
}

extension Tensor {
    /// Accumulates the gradient of this tensor into the `grad` of every leaf that requires one
    /// (PyTorch's `loss.backward()`).
    public func backward(gradOutput: Tensor? = nil, createGraph: Bool = false) {
        var leaves: [Tensor] = []
        let grads = backpropagate(from: self, gradOutput: gradOutput, createGraph: createGraph) { tensor in
            guard tensor.origin == nil, tensor.requiresGrad else { return false }
            leaves.append(tensor)
            return true
        }
        GradMode.with(enabled: createGraph) {
            for leaf in leaves {
                guard let g = grads[ObjectIdentifier(leaf)] else { continue }
                leaf.grad = leaf.grad.map { $0 + g } ?? g
            }
        }
    }
}

/// Runs every recorded rule between `output` and the tensors `isTarget` selects, in reverse
/// topological order, and returns the accumulated gradients keyed by tensor identity.
private func backpropagate(
    from output: Tensor, gradOutput: Tensor?, createGraph: Bool, isTarget: (Tensor) -> Bool
) -> [ObjectIdentifier: Tensor] {
    let order = topologicalOrder(from: output)
    // A tensor is worth a gradient when it is a target or leads to one.
    var targets: Set<ObjectIdentifier> = []
    var leadsToTarget: Set<ObjectIdentifier> = []
    for tensor in order where tensor.requiresGrad {
        if isTarget(tensor) { targets.insert(ObjectIdentifier(tensor)) }
        if targets.contains(ObjectIdentifier(tensor))
            || (tensor.origin?.inputs.contains { leadsToTarget.contains(ObjectIdentifier($0)) } ?? false) {
            leadsToTarget.insert(ObjectIdentifier(tensor))
        }
    }
    if let seed = gradOutput {
        precondition(seed.shape == output.shape, "gradOutput shape \(seed.shape) differs from output \(output.shape)")
    }
    var grads: [ObjectIdentifier: Tensor] = [:]
    guard leadsToTarget.contains(ObjectIdentifier(output)) else { return grads }
    grads[ObjectIdentifier(output)] = gradOutput ?? Tensor.ones(output.shape)

    GradMode.with(enabled: createGraph) {
        for tensor in order.reversed() {
            guard let node = tensor.origin, let grad = grads[ObjectIdentifier(tensor)] else { continue }
            let needs = node.inputs.map { $0.requiresGrad && leadsToTarget.contains(ObjectIdentifier($0)) }
            guard needs.contains(true) else { continue }
            let inputGrads = node.backward(grad, needs)
            for (input, inputGrad) in zip(node.inputs, inputGrads) {
                guard let inputGrad, leadsToTarget.contains(ObjectIdentifier(input)) else { continue }
                precondition(inputGrad.shape == input.shape, "\(node.name) returned a gradient of shape \(inputGrad.shape) for an input of shape \(input.shape)")
                let key = ObjectIdentifier(input)
                grads[key] = grads[key].map { $0 + inputGrad } ?? inputGrad
            }
            // Intermediate gradients are no longer needed once passed on; free them early.
            if !targets.contains(ObjectIdentifier(tensor)) { grads[ObjectIdentifier(tensor)] = nil }
        }
    }
    return grads
}

/// Tensors reachable from `output` through recorded ops, each after all of its inputs.
private func topologicalOrder(from output: Tensor) -> [Tensor] {
    var order: [Tensor] = []
    var visited: Set<ObjectIdentifier> = []
    // Iterative depth-first search: deep graphs must not overflow the stack.
    var stack: [(tensor: Tensor, expanded: Bool)] = [(output, false)]
    while let (tensor, expanded) = stack.popLast() {
        if expanded { order.append(tensor); continue }
        guard visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
        stack.append((tensor, true))
        for input in tensor.origin?.inputs ?? [] where !visited.contains(ObjectIdentifier(input)) {
            stack.append((input, false))
        }
    }
    return order
}
