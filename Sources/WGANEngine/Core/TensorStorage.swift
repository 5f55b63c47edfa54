/// A fixed-size, 64-byte aligned block of `Float`s owned by one or more tensors.
///
/// Tensors that are views of each other (`reshaped`, `detached`) share one storage, so the
/// engine never copies data to change a shape. Storage is a class so that sharing is explicit
/// and the buffer is freed exactly once; kernels read and write it through `pointer` directly,
/// with no copy-on-write or exclusivity checks in hot loops.
public final class TensorStorage: @unchecked Sendable {
    /// Number of elements.
    public let count: Int
    /// The elements; valid for `count` elements while the storage is alive.
    public let pointer: UnsafeMutablePointer<Float>

    /// Uninitialised storage: every kernel that allocates one writes all of it.
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "negative element count")
        self.count = count
        // 64 bytes: one AVX-512 register / cache line, so vector loops start aligned.
        let raw = StoragePool.take(byteCount: max(count, 1) * MemoryLayout<Float>.stride)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Storage with every element set to `value`.
    public convenience init(count: Int, repeating value: Float) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// Storage holding a copy of `values`.
    public convenience init<C: Collection>(copying values: C) where C.Element == Float {
        self.init(uninitializedCount: values.count)
        _ = UnsafeMutableBufferPointer(start: pointer, count: count).initialize(from: values)
    }

    deinit { StoragePool.give(UnsafeMutableRawPointer(pointer), byteCount: max(count, 1) * MemoryLayout<Float>.stride) }

    /// The elements as a buffer, for loops that want `Collection` conveniences.
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }
}
