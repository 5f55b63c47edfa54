import CKernels
import CKernels.Testing
import Synchronization
import XCTest

/// The C pool under load: more threads than cores and jobs of different part counts back to back,
/// so that workers routinely wake late for a job that has already finished and whose slot is
/// being reused for the next.
final class PoolStressTests: XCTestCase {
    override func tearDown() { wgan_testing_pool_set_publish_delay(0) }

    /// What the parts of the jobs did: executions per part of the current job, executions in
    /// all, and executions that began after their job had returned.
    private final class Tally {
        let perPart = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: 8)
        let total = Atomic<Int>(0), late = Atomic<Int>(0), jobRunning = Atomic<Bool>(false)

        init() { for i in 0..<8 { (perPart + i).initialize(to: Atomic(0)) } }
        deinit { perPart.deallocate() }
    }

    /// Counts every part's executions: each part of each job runs exactly once, and none runs
    /// after its job has returned.
    func testEveryPartOfMixedJobsRunsExactlyOnce() {
        // A delay between writing a job and publishing it widens the window in which a late
        // worker meets a half-written job. Without the fix this test counted hundreds of wrong
        // executions; without the delay the race showed 0–3 times in 300,000 jobs.
        wgan_testing_pool_set_publish_delay(200)
        let partCounts = [2, 4, 3, 8, 2, 5, 4, 7, 6, 2]
        let tally = Tally()
        var wrong = 0, expectedTotal = 0
        withExtendedLifetime(tally) {
            let context = Unmanaged.passUnretained(tally).toOpaque()
            for job in 0..<20_000 {
                let parts = partCounts[job % partCounts.count]
                expectedTotal += parts
                for i in 0..<8 { tally.perPart[i].store(0, ordering: .relaxed) }
                tally.jobRunning.store(true, ordering: .releasing)
                wgan_pool_run(parts, { context, part in
                    let tally = Unmanaged<Tally>.fromOpaque(context!).takeUnretainedValue()
                    if !tally.jobRunning.load(ordering: .acquiring) { tally.late.add(1, ordering: .relaxed) }
                    tally.perPart[part].add(1, ordering: .relaxed)
                    tally.total.add(1, ordering: .relaxed)
                }, context)
                tally.jobRunning.store(false, ordering: .releasing)
                for i in 0..<8 where tally.perPart[i].load(ordering: .relaxed) != (i < parts ? 1 : 0) { wrong += 1 }
            }
            usleep(50_000)  // a duplicate still running would have finished by now
        }
        XCTAssertEqual(wrong, 0, "parts of a job run other than once")
        XCTAssertEqual(tally.total.load(ordering: .relaxed), expectedTotal, "executions in all")
        XCTAssertEqual(tally.late.load(ordering: .relaxed), 0, "parts run after their job returned")
    }
}
