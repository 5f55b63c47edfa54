import WGANEngine

/// The base of every layer and model, after PyTorch's `nn.Module`: a module owns parameters,
/// buffers and child modules under attribute names, and its `stateDict` names them the way
/// PyTorch does (`linear1.weight`, `bn2.running_var`, `bn2.num_batches_tracked`), so that
/// checkpoints load on either side.
///
/// Subclasses register what they own in their initialiser and override `forward`.
open class Module {
    private var ownParameters: [(name: String, tensor: Tensor)] = []
    private var ownBuffers: [(name: String, tensor: Tensor)] = []
    private var ownCounters: [(name: String, counter: Counter)] = []
    private var ownChildren: [(name: String, module: Module)] = []

    /// Training mode (batch statistics in BatchNorm) or evaluation mode (running statistics).
    public private(set) var isTraining = true

    public init() {}

    /// The module's function. Subclasses override it.
    open func forward(_ input: Tensor) -> Tensor {
        fatalError("\(type(of: self)) does not override forward(_:)")
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { forward(input) }

    /// Registers a trainable tensor; it becomes a gradient-requiring leaf.
    @discardableResult
    public func registerParameter(_ name: String, _ tensor: Tensor) -> Tensor {
        let parameter = tensor.requiresGrad ? tensor : tensor.requiringGrad()
        ownParameters.append((name, parameter))
        return parameter
    }

    /// Registers a non-trainable tensor that belongs in the state dict (running statistics).
    @discardableResult
    public func registerBuffer(_ name: String, _ tensor: Tensor) -> Tensor {
        ownBuffers.append((name, tensor))
        return tensor
    }

    /// Registers an integer buffer (PyTorch keeps `num_batches_tracked` as int64).
    public func registerCounter(_ name: String, _ counter: Counter) {
        ownCounters.append((name, counter))
    }

    @discardableResult
    public func registerModule<M: Module>(_ name: String, _ module: M) -> M {
        ownChildren.append((name, module))
        return module
    }

    /// Switches this module and all its children between training and evaluation mode.
    public func train(_ training: Bool = true) {
        isTraining = training
        for child in ownChildren { child.module.train(training) }
    }

    public func eval() { train(false) }

    /// Trainable tensors by dotted name, in registration order (PyTorch's `named_parameters()`).
    public var namedParameters: [(name: String, tensor: Tensor)] {
        ownParameters + ownChildren.flatMap { child in
            child.module.namedParameters.map { ("\(child.name).\($0.name)", $0.tensor) }
        }
    }

    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    /// This module and all its descendants, depth first.
    public var modules: [Module] {
        [self] + ownChildren.flatMap(\.module.modules)
    }

    /// Every entry of the state dict, in PyTorch's order: for each module its parameters, then
    /// its buffers, then its children.
    public var stateDict: [(name: String, value: StateValue)] {
        var entries: [(name: String, value: StateValue)] = ownParameters.map { ($0.name, .tensor($0.tensor)) }
        entries += ownBuffers.map { ($0.name, .tensor($0.tensor)) }
        entries += ownCounters.map { ($0.name, .integer($0.counter)) }
        for child in ownChildren {
            entries += child.module.stateDict.map { ("\(child.name).\($0.name)", $0.value) }
        }
        return entries
    }

    /// Copies values into this module's tensors and counters (in place, so optimizers keep
    /// pointing at the same parameters). Every entry must be present with the same shape, and
    /// with `strict` no unknown name is allowed, as in PyTorch's `load_state_dict`.
    public func loadStateDict(_ values: [String: LoadedValue], strict: Bool = true) throws {
        let entries = stateDict
        let known = Set(entries.map(\.name))
        if strict, let unexpected = values.keys.sorted().first(where: { !known.contains($0) }) {
            throw StateDictError.unexpectedKey(unexpected)
        }
        for (name, value) in entries {
            guard let loaded = values[name] else { throw StateDictError.missingKey(name) }
            switch (value, loaded) {
            case let (.tensor(tensor), .floats(floats, shape)):
                guard shape == tensor.shape, floats.count == tensor.count else {
                    throw StateDictError.shapeMismatch(name, expected: tensor.shape, found: shape)
                }
                floats.withUnsafeBufferPointer { tensor.storage.pointer.update(from: $0.baseAddress!, count: floats.count) }
            case let (.integer(counter), .integer(integer)):
                counter.value = integer
            default:
                throw StateDictError.kindMismatch(name)
            }
        }
    }
}

/// A mutable integer owned by a module (BatchNorm's `num_batches_tracked`).
public final class Counter {
    public var value: Int64
    public init(_ value: Int64 = 0) { self.value = value }
}

/// A state-dict entry: a float tensor, or an integer counter.
public enum StateValue {
    case tensor(Tensor)
    case integer(Counter)
}

/// A value read from a file, to load into a module.
public enum LoadedValue: Sendable {
    case floats([Float], shape: [Int])
    case integer(Int64)
}

public enum StateDictError: Error, CustomStringConvertible, Equatable {
    case missingKey(String)
    case unexpectedKey(String)
    case shapeMismatch(String, expected: [Int], found: [Int])
    case kindMismatch(String)

    public var description: String {
        switch self {
        case .missingKey(let name): "state dict lacks '\(name)'"
        case .unexpectedKey(let name): "state dict has an unexpected entry '\(name)'"
        case let .shapeMismatch(name, expected, found): "'\(name)' has shape \(found), expected \(expected)"
        case .kindMismatch(let name): "'\(name)' is an integer where a tensor is expected, or the reverse"
        }
    }
}
