import CKernels
import CKernels.Testing
import Dispatch
import Foundation
import XCTest

/// The first calls of a process choose each C kernel's instruction set; calls racing with that
/// choice must still run the chosen kernel (the baseline one rounds differently), or two runs of
/// the same program differ in the last bits.
final class KernelChoiceTests: XCTestCase {
    override func tearDown() { wgan_testing_kernels_forget_choice() }

    func testThreadsRacingTheFirstCallAllRunTheChosenTanh() {
        let count = 4096
        let x = (0..<count).map { Float($0) / Float(count) * 10 - 5 }
        var reference = [Float](repeating: 0, count: count)
        wgan_tanh(x, &reference, count)
        var mismatches = 0
        let output = UnsafeMutableBufferPointer<Float>.allocate(capacity: count * 2)
        defer { output.deallocate() }
        for _ in 0..<1_000 {
            wgan_testing_kernels_forget_choice()
            // Two threads make their first call at once, as a split elementwise loop does.
            x.withUnsafeBufferPointer { input in
                // Addresses as integers: the closure is @Sendable, the buffers outlive it.
                let (source, target) = (Int(bitPattern: input.baseAddress!), Int(bitPattern: output.baseAddress!))
                DispatchQueue.concurrentPerform(iterations: 2) { part in
                    wgan_tanh(UnsafePointer(bitPattern: source), UnsafeMutablePointer<Float>(bitPattern: target)! + part * count, count)
                }
            }
            for part in 0..<2 where memcmp(output.baseAddress! + part * count, reference, count * 4) != 0 { mismatches += 1 }
        }
        XCTAssertEqual(mismatches, 0, "first calls that ran another kernel than the chosen one")
    }
}
