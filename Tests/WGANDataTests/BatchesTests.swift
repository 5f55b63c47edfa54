import Foundation
import XCTest
@testable import WGANData

final class BatchesTests: XCTestCase {
    private let permutation = [3, 7, 0, 9, 1, 4, 8, 2, 6, 5]

    /// Ten 2×2 images whose pixels tell which image they came from.
    private let dataset: ImageDataset = {
        let pixels = (0..<40).map { Float($0 / 4) * 10 + Float($0 % 4) }
        return ImageDataset(height: 2, width: 2, pixels: pixels, labels: (0..<10).map { UInt8($0) })
    }()

    func testBatchesFollowThePermutationWithAPartialLastBatch() throws {
        let batches = try Batches(permutation: permutation, batchSize: 4)
        XCTAssertEqual(batches.count, 3)
        XCTAssertEqual(batches.map(Array.init), [[3, 7, 0, 9], [1, 4, 8, 2], [6, 5]])
        XCTAssertEqual(try Batches(permutation: permutation, batchSize: 5).map(\.count), [5, 5])
        XCTAssertEqual(try Batches(permutation: permutation, batchSize: 64).map(Array.init), [permutation])
        XCTAssertEqual(try Batches(permutation: [], batchSize: 4).count, 0)
    }

    func testInvalidBatchSizesAndPermutationsAreErrors() {
        assertThrows(.invalidBatchSize(0)) { try Batches(permutation: permutation, batchSize: 0) }
        assertThrows(.invalidBatchSize(-2)) { try Batches(permutation: permutation, batchSize: -2) }
        assertThrows(.invalidPermutation(detail: "3 appears twice")) {
            try Batches(permutation: [3, 1, 0, 3], batchSize: 2)
        }
        assertThrows(.invalidPermutation(detail: "4 is outside 0..<4")) {
            try Batches(permutation: [4, 1, 0, 2], batchSize: 2)
        }
        assertThrows(.invalidPermutation(detail: "it has 4 indices for 10 items")) {
            try dataset.batches(permutation: [0, 1, 2, 3], batchSize: 2)
        }
        XCTAssertEqual(DataError.invalidBatchSize(0).description, "batch size must be at least 1, got 0")
    }

    func testGatherCopiesSourceRowsIntoAReusedBuffer() throws {
        let batches = try dataset.batches(permutation: permutation, batchSize: 4)
        var buffer = [Float](repeating: .nan, count: 4 * dataset.pixelsPerImage)
        for batch in batches {
            let written = try dataset.gather(batch, into: &buffer)
            XCTAssertEqual(written, batch.count * 4)
            let expected = batch.flatMap { index in dataset.pixels[index * 4..<(index + 1) * 4] }
            XCTAssertEqual(Array(buffer.prefix(written)), expected)
            XCTAssertEqual(try dataset.labels(at: batch), batch.map { UInt8($0) })
        }
        // The last batch [6, 5] fills the front of the buffer.
        XCTAssertEqual(Array(buffer.prefix(8)), [60, 61, 62, 63, 50, 51, 52, 53])
        XCTAssertEqual(buffer.count, 16)
    }

    func testGatherIntoAnUnsafeBuffer() throws {
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: 8)
        defer { buffer.deallocate() }
        XCTAssertEqual(try dataset.gather([9, 0], into: buffer), 8)
        XCTAssertEqual(Array(buffer), [90, 91, 92, 93, 0, 1, 2, 3])
        XCTAssertEqual(try dataset.gather([Int](), into: buffer), 0)
    }

    func testGatherRejectsBadIndicesAndSmallBuffers() {
        var small = [Float](repeating: 0, count: 7)
        assertThrows(.bufferTooSmall(needed: 8, available: 7)) { try dataset.gather([0, 1], into: &small) }
        var buffer = [Float](repeating: 0, count: 8)
        assertThrows(.indexOutOfRange(index: 10, count: 10)) { try dataset.gather([0, 10], into: &buffer) }
        assertThrows(.indexOutOfRange(index: -1, count: 10)) { try dataset.gather([-1], into: &buffer) }
        assertThrows(.indexOutOfRange(index: 11, count: 10)) { try dataset.labels(at: [11]) }
    }
}
