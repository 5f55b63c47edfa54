/// An n-dimensional array of `Float`s in row-major order, and a node of the autodiff graph.
///
/// Tensors are immutable values once built (only optimizers write into parameters, between
/// steps). A tensor made by an op while gradients are recorded remembers that op in `origin`;
/// `gradients(of:withRespectTo:)` walks those links backwards. Leaves that should receive
/// gradients are marked with `requiringGrad()`, as with PyTorch's `requires_grad_()`.
public final class Tensor {
    public let shape: [Int]
    public let storage: TensorStorage
    /// Whether gradients flow to this tensor: true for marked leaves and for results of ops on them.
    public let requiresGrad: Bool
    /// The op that produced this tensor while recording; nil for leaves and constants.
    let origin: Node?
    /// Gradient accumulated by `backward()` on a leaf, as PyTorch's `.grad`.
    public var grad: Tensor?

    init(shape: [Int], storage: TensorStorage, requiresGrad: Bool = false, origin: Node? = nil) {
        precondition(Shape.count(shape) == storage.count, "shape \(shape) does not match \(storage.count) elements")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad || origin != nil
        self.origin = origin
    }

    /// A tensor holding a copy of `values`.
    public convenience init(_ values: [Float], shape: [Int]) {
        precondition(values.count == Shape.count(shape), "\(values.count) values do not fill shape \(shape)")
        self.init(shape: shape, storage: TensorStorage(copying: values))
    }

    /// A rank-0 tensor.
    public convenience init(scalar: Float) {
        self.init([scalar], shape: [])
    }

    /// A tensor that takes ownership of `storage` (no copy).
    public convenience init(storage: TensorStorage, shape: [Int]) {
        self.init(shape: shape, storage: storage)
    }

    public static func zeros(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, storage: TensorStorage(count: Shape.count(shape), repeating: 0))
    }

    public static func ones(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, storage: TensorStorage(count: Shape.count(shape), repeating: 1))
    }

    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        Tensor(shape: shape, storage: TensorStorage(count: Shape.count(shape), repeating: value))
    }

    public var count: Int { storage.count }
    public var rank: Int { shape.count }

    /// The elements, copied out.
    public var scalars: [Float] { Array(storage.buffer) }

    /// The single element of a one-element tensor (PyTorch's `.item()`).
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, not shape \(shape)")
        return storage.pointer[0]
    }

    /// A leaf sharing this tensor's storage that gradients will be computed for.
    public func requiringGrad() -> Tensor {
        Tensor(shape: shape, storage: storage, requiresGrad: true)
    }

    /// A constant sharing this tensor's storage, cut off from the graph (PyTorch's `.detach()`).
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage)
    }

    /// A constant holding its own copy of the elements.
    public func copy() -> Tensor {
        let out = TensorStorage(uninitializedCount: count)
        out.pointer.update(from: storage.pointer, count: count)
        return Tensor(shape: shape, storage: out)
    }

    /// The op that made this tensor ("matmul", "tanh", …), for debugging; nil for leaves.
    public var opName: String? { origin?.name }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")]\(requiresGrad ? ", requiresGrad" : ""))"
    }
}
