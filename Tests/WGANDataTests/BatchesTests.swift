import Foundation
import XCTest
@testable import WGANData

final class BatchesTests: XCTestCase {
    private let permutation = [3, 7, 0, 9, 1, 4, 8, 2, 6, 5]

    /// Ten 2×2 images whose bytes tell which image they came from: image i holds 10i ..< 10i + 4.
    private let dataset: ImageDataset = {
        let bytes = (0..<40).map { (position: Int) -> UInt8 in UInt8(position / 4 * 10 + position % 4) }
        return ImageDataset(height: 2, width: 2, pixelBytes: bytes, labels: (0..<10).map { UInt8($0) })
    }()

    /// What gathering image `index` writes: its four bytes, scaled.
    private func scaled(_ index: Int) -> [Float] {
        (0..<4).map { ImageDataset.scaledPixel(UInt8(index * 10 + $0)) }
    }

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

    func testGatherScalesEveryByteValueExactlyAsTheFormula() throws {
        // One 16×16 image holding every byte value once, out of order (167 is odd, so this
        // permutes 0...255).
        let bytes = (0...255).map { (value: Int) -> UInt8 in UInt8(value * 167 % 256) }
        XCTAssertEqual(Set(bytes).count, 256)
        let dataset = ImageDataset(height: 16, width: 16, pixelBytes: bytes, labels: [0])
        var buffer = [Float](repeating: .nan, count: 256)
        try dataset.gather([0], into: &buffer)
        // Bit patterns, so that -0 and 0 (or two NaNs) could not pass for each other.
        XCTAssertEqual(buffer.map(\.bitPattern), bytes.map { ((Float($0) / 255 - 0.5) / 0.5).bitPattern })
        XCTAssertEqual(buffer.map(\.bitPattern), bytes.map { ImageDataset.scaledPixel($0).bitPattern })
    }

    func testGatherCopiesSourceRowsIntoAReusedBuffer() throws {
        let batches = try dataset.batches(permutation: permutation, batchSize: 4)
        var buffer = [Float](repeating: .nan, count: 4 * dataset.pixelsPerImage)
        for batch in batches {
            let written = try dataset.gather(batch, into: &buffer)
            XCTAssertEqual(written, batch.count * 4)
            let expected = batch.flatMap(scaled)
            XCTAssertEqual(Array(buffer.prefix(written)), expected)
            XCTAssertEqual(try dataset.labels(at: batch), batch.map { UInt8($0) })
        }
        // The last batch [6, 5] fills the front of the buffer.
        XCTAssertEqual(Array(buffer.prefix(8)), scaled(6) + scaled(5))
        XCTAssertEqual(buffer.count, 16)
    }

    func testGatherIntoAnUnsafeBuffer() throws {
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: 8)
        defer { buffer.deallocate() }
        XCTAssertEqual(try dataset.gather([9, 0], into: buffer), 8)
        XCTAssertEqual(Array(buffer), scaled(9) + scaled(0))
        XCTAssertEqual(try dataset.gather([Int](), into: buffer), 0)
        XCTAssertEqual(try dataset.gather([9, 0], into: buffer, range: .unit), 8)
        XCTAssertEqual(Array(buffer), [90, 91, 92, 93, 0, 1, 2, 3].map { Float($0) / 255 }, "[0, 1]: byte / 255")
        XCTAssertEqual(PixelRange.unit.table[255], 1)
        XCTAssertEqual(PixelRange.unit.table[51], 0.2)
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
