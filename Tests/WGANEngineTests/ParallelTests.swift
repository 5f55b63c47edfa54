@testable import WGANEngine
import CKernels
import Dispatch
import Synchronization
import XCTest

final class ParallelTests: XCTestCase {
    override func setUp() { Parallel.threads = 2 }
    override func tearDown() { Parallel.threads = 1 }

    /// Every part runs exactly once, across many back-to-back regions (the pool's spin-then-sleep
    /// cycle included: a pause between batches lets the worker fall asleep).
    func testEveryPartRunsOnce() {
        for round in 0..<200 {
            let counts = Mutex([0, 0, 0, 0])
            Parallel.run(parts: 2) { part in counts.withLock { $0[part] += 1 } }
            XCTAssertEqual(counts.withLock { $0 }, [1, 1, 0, 0], "round \(round)")
            if round == 100 { usleep(200_000) }
        }
    }

    func testRangesCoverEveryElementOnce() {
        let n = 100_003
        var marks = [UInt8](repeating: 0, count: n)
        marks.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Parallel.forEachRange(n) { range in for i in range { base[i] += 1 } }
        }
        XCTAssertTrue(marks.allSatisfy { $0 == 1 })
    }

    /// Inside the second branch (a worker) a region runs inline; inside the first (the caller),
    /// once the second has finished, a region may use the idle worker; both are split the same
    /// way (the split never depends on scheduling); regions started from two threads at once all
    /// finish.
    func testNestedAndConcurrentRegionsFinish() {
        let total = Atomic<Int>(0), secondDone = Atomic<Bool>(false)
        let nestInFirst = Atomic<Int32>(-1), nestInSecond = Atomic<Int32>(-1)
        Parallel.branches({
            let deadline = DispatchTime.now().uptimeNanoseconds + 2_000_000_000
            while !secondDone.load(ordering: .acquiring), DispatchTime.now().uptimeNanoseconds < deadline {}
            // The other part counts as finished once its closure has returned, just after the flag.
            while wgan_pool_can_nest() == 0, DispatchTime.now().uptimeNanoseconds < deadline {}
            nestInFirst.store(wgan_pool_can_nest(), ordering: .relaxed)
            XCTAssertEqual(Parallel.parts(forWork: 10, minimum: 1), 2)
            Parallel.run(parts: 2) { _ in total.add(1, ordering: .relaxed) }
        }, {
            nestInSecond.store(wgan_pool_can_nest(), ordering: .relaxed)
            XCTAssertEqual(Parallel.parts(forWork: 10, minimum: 1), 2)
            Parallel.run(parts: 2) { _ in total.add(10, ordering: .relaxed) }
            secondDone.store(true, ordering: .releasing)
        })
        XCTAssertEqual(nestInSecond.load(ordering: .relaxed), 0, "the other branch still runs: inline")
        XCTAssertEqual(nestInFirst.load(ordering: .relaxed), 1, "the other branch is done: the worker may help")
        XCTAssertEqual(total.load(ordering: .relaxed), 22)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<50 { Parallel.run(parts: 2) { _ in total.add(1, ordering: .relaxed) } }
        }
        XCTAssertEqual(total.load(ordering: .relaxed), 22 + 4 * 50 * 2)
    }
}

final class StoragePoolTests: XCTestCase {
    /// A freed block of a recurring size is handed out again; small blocks are not pooled.
    func testFreedBlocksAreReused() {
        StoragePool.drain()
        XCTAssertEqual(StoragePool.cachedBytes, 0)
        let count = 50_000
        var address: UnsafeMutablePointer<Float>?
        do { address = TensorStorage(uninitializedCount: count).pointer }
        XCTAssertEqual(StoragePool.cachedBytes, count * 4, "the freed block is kept")
        let again = TensorStorage(uninitializedCount: count)
        XCTAssertEqual(again.pointer, address)
        let filled = TensorStorage(count: count, repeating: 3)
        XCTAssertTrue(filled.buffer.allSatisfy { $0 == 3 }, "a reused block is initialised like a fresh one")
        StoragePool.drain()
        XCTAssertEqual(StoragePool.cachedBytes, 0)
    }
}

final class ParallelGradModeTests: XCTestCase {
    /// Gradients computed with part of the work on a pool worker record nothing when the
    /// caller's backward pass does not (the worker runs in the caller's gradient mode).
    func testWorkersRunInTheCallersGradientMode() {
        Parallel.threads = 2
        defer { Parallel.threads = 1 }
        let x = randomTensor([64, 300], seed: 1).requiringGrad(), w = randomTensor([200, 300], seed: 2).requiringGrad()
        let b = randomTensor([200], seed: 3).requiringGrad()
        let hidden = x.linear(weight: w, bias: b).tanh()
        let grads = gradients(of: hidden.sum(), withRespectTo: [x, w, b])
        for g in grads { XCTAssertNil(g.opName, "a gradient taken without createGraph must not be recorded") }
        let recorded = gradients(of: hidden.sum(), withRespectTo: [x, w], createGraph: true)
        for g in recorded { XCTAssertTrue(g.requiresGrad) }
    }
}
