import CKernels
import CKernels.Testing
import Foundation
import Synchronization
import WGAN
import WGANEngine
import WGANModels
import WGANOptim
import XCTest

/// Results depend on the data and `--threads` alone: the same steps repeated while other threads
/// compete for the cores (so the pool's scheduling differs every time) give the same bits.
final class DeterminismTests: XCTestCase {
    override func tearDown() { Parallel.threads = 1 }

    /// Every parameter of both models after two seed training steps, as raw bits.
    private func parametersAfterTwoSteps(threads: Int) throws -> [[UInt32]] {
        try BLAS.load()
        Parallel.threads = threads
        var rng = RandomGenerator(seed: 3)
        let generator = SeedGenerator(using: &rng), critic = SeedCritic(using: &rng)
        let step = try WGANGPStep(generator: generator, critic: critic,
                              generatorOptimizer: Adam(parameters: generator.parameters, learningRate: 1e-3),
                              criticOptimizer: Adam(parameters: critic.parameters, learningRate: 4e-3))
        let real = Tensor.uniform([24, 1, 28, 28], low: -1, high: 1, using: &rng)
        for _ in 0..<2 {
            let z = Tensor.randn([24, generator.latentDimension], using: &rng)
            step.criticStep(real: real, z: z, alpha: Tensor.uniform([24, 1], using: &rng))
            step.generatorStep(z: z)
        }
        return (generator.parameters + critic.parameters).map { $0.scalars.map(\.bitPattern) }
    }

    /// Busy threads that take cores from the pool's workers at random moments, until stopped.
    private func withCompetingLoad(_ body: () throws -> Void) rethrows {
        let stop = Atomic<Bool>(false)
        let finished = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: finished) {
                var x: UInt64 = 1
                while !stop.load(ordering: .relaxed) {
                    for _ in 0..<Int.random(in: 1_000...200_000) { x = x &* 6364136223846793005 &+ 1 }
                    usleep(UInt32.random(in: 0...300))
                }
                _ = x
            }
        }
        defer { stop.store(true, ordering: .relaxed); finished.wait() }
        try body()
    }

    func testRepeatedStepsUnderLoadGiveTheSameBits() throws {
        for threads in [2, 4] {
            let reference = try parametersAfterTwoSteps(threads: threads)
            try withCompetingLoad {
                for repeat_ in 0..<6 {
                    let again = try parametersAfterTwoSteps(threads: threads)
                    let differing = zip(reference, again).filter { $0 != $1 }.count
                    XCTAssertEqual(differing, 0, "threads \(threads), repeat \(repeat_): tensors that differ")
                }
            }
        }
    }

    /// A run stopped inside an epoch and resumed again and again, each time as a fresh process
    /// would (the C kernels choose their instruction set anew) and with busy threads competing,
    /// ends with the bytes of the uninterrupted run.
    func testRepeatedResumesUnderLoadEqualTheUninterruptedRun() throws {
        let root = try temporaryFolder()
        var options = QuickRun.options(maxSteps: 3)
        options.threads = 4
        do { _ = try QuickRun.start(options, in: root.appendingPathComponent("whole")).train(stopRequested: { false }) }
        options.maxSteps = 1
        do { _ = try QuickRun.start(options, in: root.appendingPathComponent("part")).train(stopRequested: { false }) }
        let names = ["generator.safetensors", "critic.safetensors"]
        let expected = try names.map { try Data(contentsOf: root.appendingPathComponent("whole/checkpoints/\($0)")) }
        var more = TrainingOptions()
        more.maxSteps = 3
        try withCompetingLoad {
            for attempt in 0..<3 {
                let copy = root.appendingPathComponent("resume\(attempt)")
                try FileManager.default.copyItem(at: root.appendingPathComponent("part"), to: copy)
                wgan_testing_kernels_forget_choice()
                _ = try QuickRun.resume(copy, more).train(stopRequested: { false })
                let got = try names.map { try Data(contentsOf: copy.appendingPathComponent("checkpoints/\($0)")) }
                XCTAssertEqual(got, expected, "resume \(attempt)")
            }
        }
    }
}
