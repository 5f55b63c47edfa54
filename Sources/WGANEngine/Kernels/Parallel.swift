import Dispatch

/// Splits large elementwise loops across threads. Small loops run inline: waking a second
/// thread costs a few microseconds, more than a pass over a few thousand floats.
public enum Parallel {
    /// Threads the engine's own loops use (OpenBLAS has its own setting, `BLAS.threads`).
    nonisolated(unsafe) public static var threads = 1

    /// Below this many elements a loop is not split.
    public static let minimumChunk = 32_768

    /// Calls `body` on disjoint ranges covering 0..<count, concurrently when worthwhile.
    /// `body` must only touch the elements of its range.
    @inline(__always)
    public static func forEachRange(_ count: Int, _ body: (Range<Int>) -> Void) {
        let parts = min(threads, count / minimumChunk)
        guard parts > 1 else { body(0..<count); return }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                // Chunk boundaries on multiples of 16 floats keep vector loops aligned.
                let chunk = (count / parts + 15) & ~15
                let start = min(part * chunk, count), end = part == parts - 1 ? count : min(start + chunk, count)
                box.value(start..<end)
            }
        }
    }
}

/// Hands a value to Dispatch's `@Sendable` closures where the caller guarantees the threads
/// touch disjoint memory.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
