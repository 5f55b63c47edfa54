import Foundation
import WGANEngine

/// Ranks as threads of one process, for testing collective logic without MPI: each collective
/// waits for every rank, then gives each the combined values.
final class ThreadRanks: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var arrived = 0, round = 0
    private var partial: [Double] = []
    /// Each round's result, kept so that a rank that wakes late still reads its own round's.
    private var results: [Int: [Double]] = [:]

    init(size: Int) { self.size = size }

    func combine(_ values: [Double], _ operation: (Double, Double) -> Double) -> [Double] {
        condition.lock()
        defer { condition.unlock() }
        let mine = round
        partial = arrived == 0 ? values : zip(partial, values).map(operation)
        arrived += 1
        if arrived == size {
            results[mine] = partial
            (arrived, round) = (0, round + 1)
            condition.broadcast()
        } else {
            while round == mine { condition.wait() }
        }
        return results[mine]!
    }

    /// Runs `body(rank)` on `size` threads at once and returns their results in rank order.
    func run<T>(_ body: @escaping (Communicator) -> T) -> [T] {
        let shared = Outputs(body: body, count: size)
        let done = DispatchGroup()
        for rank in 0..<size {
            done.enter()
            Thread { [self] in
                shared.store(shared.body(ThreadRank(ranks: self, rank: rank)), at: rank)
                done.leave()
            }.start()
        }
        done.wait()
        return shared.values.map { $0! }
    }
}

/// The threads' shared body and results (each result written once, under the lock).
private final class Outputs<T>: @unchecked Sendable {
    let body: (Communicator) -> T
    private let lock = NSLock()
    private(set) var values: [T?]

    init(body: @escaping (Communicator) -> T, count: Int) {
        self.body = body
        values = Array(repeating: nil, count: count)
    }

    func store(_ value: T, at index: Int) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }
}

/// One rank of a `ThreadRanks` group.
final class ThreadRank: Communicator {
    let ranks: ThreadRanks
    let rank: Int
    var size: Int { ranks.size }

    init(ranks: ThreadRanks, rank: Int) {
        self.ranks = ranks
        self.rank = rank
    }

    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
        for (index, value) in ranks.combine(values.map(Double.init), +).enumerated() { values[index] = Float(value) }
    }

    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
        _ = values.update(from: ranks.combine(Array(values), +))
    }

    func allReduceMax(_ values: UnsafeMutableBufferPointer<Double>) {
        _ = values.update(from: ranks.combine(Array(values), max))
    }

    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {
        let mine = rank == root ? bytes.map(Double.init) : [Double](repeating: 0, count: bytes.count)
        for (index, value) in ranks.combine(mine, +).enumerated() { bytes[index] = UInt8(value) }
    }

    func barrier() { _ = ranks.combine([], +) }
}
