import Synchronization

/// Recycles the blocks behind tensor storage. A training step allocates the same few hundred
/// buffers, of the same sizes, every step; handing freed blocks back out avoids malloc's
/// locking and, for large blocks, the page faults and zeroing of fresh memory from the kernel.
/// The pool keeps at most `capacityBytes`, so memory use stays bounded.
enum StoragePool {
    /// Blocks below this many bytes go straight to malloc, which serves them well.
    static let minimumBytes = 16 << 10
    static let capacityBytes = 64 << 20

    /// A free block; only the pool's lock hands it between threads.
    private struct Block: @unchecked Sendable {
        let address: UnsafeMutableRawPointer
    }

    private struct State {
        var free: [Int: [Block]] = [:]
        var bytes = 0
    }

    private static let state = Mutex(State())

    /// A block of `byteCount` bytes, 64-byte aligned.
    static func take(byteCount: Int) -> UnsafeMutableRawPointer {
        if byteCount >= minimumBytes,
           let block = state.withLock({ state -> Block? in
               guard let block = state.free[byteCount]?.popLast() else { return nil }
               state.bytes -= byteCount
               return block
           }) {
            return block.address
        }
        return UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
    }

    /// Frees every cached block (for tests, and for callers that want the memory back).
    static func drain() {
        let blocks = state.withLock { state -> [Block] in
            defer { state = State() }
            return state.free.values.flatMap { $0 }
        }
        for block in blocks { block.address.deallocate() }
    }

    /// Bytes held for reuse.
    static var cachedBytes: Int { state.withLock { $0.bytes } }

    /// Returns a block from `take`; it is kept for reuse while the pool has room.
    static func give(_ block: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount >= minimumBytes {
            let free = Block(address: block)
            let kept = state.withLock { state -> Bool in
                guard state.bytes + byteCount <= capacityBytes else { return false }
                state.free[byteCount, default: []].append(free)
                state.bytes += byteCount
                return true
            }
            if kept { return }
        }
        block.deallocate()
    }
}
