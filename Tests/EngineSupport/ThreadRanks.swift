#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WGANEngine

/// Ranks as threads of one process: each collective waits for every rank, then gives each the
/// combined values. For exercising data-parallel logic (SyncBatchNorm, gradient reduction, whole
/// training steps) without MPI in tests: exact semantics, slow collectives. It lives in test support,
/// built on the public `Communicator`, because no run trains with it.
public final class ThreadRanks: @unchecked Sendable {
    public let size: Int
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var arrived = 0, round = 0
    private var partial: [Double] = []
    /// Each finished round's result and how many ranks have yet to read it: a rank that wakes
    /// late still reads its own round's, even when a faster one has begun the next.
    private var results: [Int: (values: [Double], unread: Int)] = [:]

    public init(size: Int) {
        precondition(size > 0, "a group has at least one rank")
        self.size = size
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Every rank's `values` combined elementwise by `operation`, once all ranks have called it.
    func combine(_ values: [Double], _ operation: (Double, Double) -> Double) -> [Double] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let mine = round
        partial = arrived == 0 ? values : zip(partial, values).map(operation)
        arrived += 1
        if arrived == size {
            results[mine] = (partial, size)
            (arrived, round) = (0, round + 1)
            pthread_cond_broadcast(condition)
        } else {
            while round == mine { pthread_cond_wait(condition, mutex) }
        }
        guard var result = results[mine] else { preconditionFailure("round \(mine) has no result") }
        result.unread -= 1
        results[mine] = result.unread == 0 ? nil : result
        return result.values
    }

    /// Runs `body(rank)` on `size` threads at once and returns their results in rank order.
    public func run<T>(_ body: @escaping (Communicator) -> T) -> [T] {
        let outputs = UnsafeMutableBufferPointer<T?>.allocate(capacity: size)
        outputs.initialize(repeating: nil)
        defer { outputs.deinitialize().deallocate() }
        let threads = (0..<size).map { rank -> pthread_t in
            // Each thread writes its own slot; joining them orders those writes before the reads.
            let job = RankJob { outputs[rank] = body(ThreadRank(ranks: self, rank: rank)) }
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { context in
                Unmanaged<RankJob>.fromOpaque(context!).takeRetainedValue().body()
                return nil
            }, Unmanaged.passRetained(job).toOpaque())
            precondition(status == 0, "cannot start a rank's thread (error \(status))")
            return thread
        }
        for thread in threads { pthread_join(thread, nil) }
        return outputs.map { $0! }
    }
}

/// What one rank's thread runs.
private final class RankJob {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// One rank of a `ThreadRanks` group.
public final class ThreadRank: Communicator {
    let ranks: ThreadRanks
    public let rank: Int
    public var size: Int { ranks.size }

    init(ranks: ThreadRanks, rank: Int) {
        self.ranks = ranks
        self.rank = rank
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
        for (index, value) in ranks.combine(values.map(Double.init), +).enumerated() { values[index] = Float(value) }
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
        _ = values.update(from: ranks.combine(Array(values), +))
    }

    public func allReduceMax(_ values: UnsafeMutableBufferPointer<Double>) {
        _ = values.update(from: ranks.combine(Array(values), max))
    }

    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {
        let mine = rank == root ? bytes.map(Double.init) : [Double](repeating: 0, count: bytes.count)
        for (index, value) in ranks.combine(mine, +).enumerated() { bytes[index] = UInt8(value) }
    }

    public func barrier() { _ = ranks.combine([], +) }
}
