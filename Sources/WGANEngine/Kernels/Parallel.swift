import Dispatch
import Synchronization

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

extension Parallel {
    private static let activeBranches = Atomic<Int>(0)

    /// `first()` and `second()` as a pair, computed with `branches`.
    public static func both<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
        var a: A?, b: B?
        branches({ a = first() }, { b = second() })
        return (a!, b!)
    }

    /// Runs two independent computations, on two threads when `threads` allows, each then
    /// giving OpenBLAS one thread (two products on two cores beat one product split across them
    /// at these sizes). Each closure builds and differentiates its own graph; they may read the
    /// same tensors but must not write shared state.
    public static func branches(_ first: () -> Void, _ second: () -> Void) {
        // Inside a branch both cores are already busy: nest sequentially.
        guard threads > 1, activeBranches.load(ordering: .relaxed) == 0 else { first(); second(); return }
        activeBranches.add(1, ordering: .relaxed)
        let blasThreads = BLAS.threads
        BLAS.threads = 1
        defer {
            BLAS.threads = blasThreads
            activeBranches.subtract(1, ordering: .relaxed)
        }
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                let work = UncheckedSendable([first, second])
                DispatchQueue.concurrentPerform(iterations: 2) { work.value[$0]() }
            }
        }
    }
}
