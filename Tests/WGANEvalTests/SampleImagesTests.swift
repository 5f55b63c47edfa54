import XCTest
@testable import WGANEval

final class SampleImagesTests: XCTestCase {
    private let shape = [1, 2, 2]

    func testShapesAndRangesAreAccepted() throws {
        let values: [Float] = [-1, 0, 1, 0.5, -1, -1, 1, 1]
        for given in [[2, 2, 2], [2, 1, 2, 2], [2, 4]] {
            let images = try SampleImages.images(values, shape: given, imageShape: shape, range: -1...1, path: "x.npy")
            XCTAssertEqual(images.shape, [2, 1, 2, 2])
            XCTAssertEqual(images.scalars, [0, 0.5, 1, 0.75, 0, 0, 1, 1])
        }
    }

    func testBadSamplesAreRefusedInOneLine() {
        func problem(_ values: [Float], _ given: [Int], _ range: ClosedRange<Float> = 0...1) -> String {
            do {
                _ = try SampleImages.images(values, shape: given, imageShape: shape, range: range, path: "x.npy")
                return "accepted"
            } catch {
                return error.description
            }
        }
        XCTAssertTrue(problem([0, 0, 0, 0, 0, 0], [2, 3]).contains("is not N ≥ 2 images of 1×2×2"))
        XCTAssertTrue(problem([0, 0, 0, 0], [1, 4]).contains("is not N ≥ 2 images"))
        XCTAssertTrue(problem([0, 0, .nan, 0, 0, 0, 0, 0], [2, 4]).contains("value 2 (image 0) is nan"))
        XCTAssertTrue(problem([0, 0, 0, 0, 0, 0, 0, 255], [2, 4]).contains("outside the range 0.0,1.0"))
        XCTAssertFalse(problem([0, 0, 0, 0, 0, 0, 0, 255], [2, 4]).contains("\n"))
    }

    func testRangesParse() {
        XCTAssertEqual(SampleImages.parseRange("-1,1"), -1...1)
        XCTAssertEqual(SampleImages.parseRange(" 0 , 255"), 0...255)
        XCTAssertNil(SampleImages.parseRange("1,0"))
        XCTAssertNil(SampleImages.parseRange("0"))
        XCTAssertNil(SampleImages.parseRange("0,nan"))
    }
}
