import CKernels

/// How the engine uses more than one core. OpenBLAS itself runs single-threaded (its idle
/// threads would otherwise spin against ours); the engine splits large matrix products across
/// threads, runs independent branches of a step side by side, and splits large elementwise
/// loops, on the C thread pool in `CKernels/pool.c`. Work already spread over the threads runs
/// nested regions' parts inline, except on the caller's own part once the workers are idle
/// again; either way a region is split the same way, so results never depend on scheduling.
public enum Parallel {
    /// Threads the engine uses; 1 runs everything on the calling thread.
    nonisolated(unsafe) public static var threads = 1

    /// Below this many elements an elementwise loop is not split: handing work to another
    /// thread costs about a microsecond, a pass over a few thousand floats.
    public static let minimumChunk = 8_192

    /// How many parts work of this size is split into. It depends on the size and `threads`
    /// alone, never on what else is running: a part computes the same values whichever thread
    /// runs it, but a product split differently rounds differently (OpenBLAS picks its kernel by
    /// shape), so a count that followed the pool's state made results depend on scheduling.
    /// Whether the parts then run concurrently or one after another is the pool's decision.
    static func parts(forWork work: Int, minimum: Int) -> Int {
        guard threads > 1 else { return 1 }
        return max(1, min(threads, work / minimum))
    }

    /// Calls `body(part)` for each part, concurrently when there is more than one. Every part
    /// runs in the caller's gradient mode (it is per thread), so work handed to a worker records
    /// exactly what it would have recorded on the caller's thread.
    static func run(parts: Int, _ body: (Int) -> Void) {
        guard parts > 1 else { body(0); return }
        let recording = GradMode.isEnabled
        withoutActuallyEscaping(body) { body in
            var task: (Int) -> Void = { part in GradMode.with(enabled: recording) { body(part) } }
            withUnsafeMutablePointer(to: &task) { pointer in
                wgan_pool_run(parts, { context, part in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(part)
                }, pointer)
            }
        }
    }

    /// Calls `body` on disjoint ranges covering 0..<count, concurrently when worthwhile.
    /// `body` must only touch the elements of its range.
    @inline(__always)
    public static func forEachRange(_ count: Int, _ body: (Range<Int>) -> Void) {
        let parts = parts(forWork: count, minimum: minimumChunk)
        run(parts: parts) { part in body(chunk(part, of: parts, count: count)) }
    }

    /// Part `part` of `parts` of 0..<count, boundaries on multiples of 16 for aligned vectors.
    static func chunk(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        let size = (count / parts + 15) & ~15
        let start = min(part * size, count)
        return start..<(part == parts - 1 ? count : min(start + size, count))
    }

    /// Runs two independent computations, on two threads when `threads` allows. Each may build
    /// and differentiate its own graph and read the same tensors, but must not write shared state.
    public static func branches(_ first: () -> Void, _ second: () -> Void) {
        guard parts(forWork: 2, minimum: 1) > 1 else { first(); second(); return }
        run(parts: 2) { part in if part == 0 { first() } else { second() } }
    }

    /// `first()` and `second()` as a pair, computed with `branches`.
    public static func both<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
        var a: A?, b: B?
        branches({ a = first() }, { b = second() })
        return (a!, b!)
    }
}
