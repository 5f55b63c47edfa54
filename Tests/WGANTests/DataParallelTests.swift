@testable import WGAN
import WGANEngine
import XCTest

/// The pieces of data-parallel training that need no MPI: the gradient buckets and the shards.
final class DataParallelTests: XCTestCase {
    /// Two ranks holding the same values, as far as the sums go: every all-reduce doubles.
    private final class TwoAlikeRanks: Communicator, @unchecked Sendable {
        var rank: Int { 0 }
        var size: Int { 2 }
        private(set) var sizes: [Int] = []
        func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
            sizes.append(values.count)
            for index in values.indices { values[index] *= 2 }
        }
        func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) { for index in values.indices { values[index] *= 2 } }
        func allReduceMax(_ values: UnsafeMutableBufferPointer<Double>) {}
        func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {}
        func barrier() {}
    }

    func testBucketsCarryEveryGradientAndStatistic() {
        let ranks = TwoAlikeRanks()
        let reduction = BucketedAllReduce(communicator: ranks, bucketFloats: 4)
        let a = Tensor((0..<6).map(Float.init), shape: [2, 3]), b = Tensor([10], shape: [1])
        let c = Tensor((0..<9).map { Float($0) / 2 }, shape: [9]), d = Tensor((0..<9).map { -Float($0) }, shape: [9])
        let (gradients, statistics) = reduction.allReduce([[a], [b], [c, d]], statistics: [1.5, -2])
        XCTAssertEqual(gradients.map(\.shape), [[2, 3], [1], [9]])
        XCTAssertEqual(gradients[0].scalars, (0..<6).map { 2 * Float($0) })
        XCTAssertEqual(gradients[1].scalars, [20])
        XCTAssertEqual(gradients[2].scalars, (0..<9).map { -Float($0) }, "the sum of its two parts, doubled")
        XCTAssertEqual(statistics, [3, -4])
        XCTAssertEqual(ranks.sizes, [4, 4, 4, 4, 2], "18 values in buckets of 4, a tensor split across buckets where it must")
    }

    func testShardsCoverTheBatchOnce() throws {
        XCTAssertEqual((0..<3).map { DataParallel.rows(ofBatch: 7, rank: $0, size: 3) }, [0..<2, 2..<4, 4..<7])
        XCTAssertEqual((0..<2).map { DataParallel.rows(ofBatch: 64, rank: $0, size: 2) }, [0..<32, 32..<64])
        XCTAssertNoThrow(try DataParallel.checkBatches(items: 96, batchSize: 32, size: 2))
        XCTAssertThrowsError(try DataParallel.checkBatches(items: 96, batchSize: 1, size: 2)) {
            XCTAssertTrue("\($0)".contains("--batch-size 1 cannot be shared by 2 ranks"), "\($0)")
        }
        XCTAssertThrowsError(try DataParallel.checkBatches(items: 98, batchSize: 32, size: 3)) {
            XCTAssertTrue("\($0)".contains("last batch (2 of 98 images)"), "\($0)")
        }
    }

    func testLaunchIsReadFromTheEnvironment() {
        XCTAssertFalse(DistributedLaunch.isLaunchedByMPI(environment: [:]))
        XCTAssertTrue(DistributedLaunch.isLaunchedByMPI(environment: ["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "1"]))
        XCTAssertFalse(DistributedLaunch.isLaunchedByMPI(environment: ["OMPI_COMM_WORLD_SIZE": "1"]), "mpirun -np 1 trains alone")
        XCTAssertTrue(DistributedLaunch.isLaunchedByMPI(environment: ["PMIX_RANK": "0"]))
    }
}
