@testable import WGANImage
import XCTest

final class SquareResamplerTests: XCTestCase {
    func testResamplingWeights() {
        let halves = SquareResampler.weights(from: 4, to: 2)
        XCTAssertEqual(halves.map(\.start), [0, 2])
        XCTAssertEqual(halves.map(\.weights), [[0.5, 0.5], [0.5, 0.5]])
        let thirds = SquareResampler.weights(from: 3, to: 2)
        XCTAssertEqual(thirds.map(\.start), [0, 1])
        XCTAssertEqual(thirds[0].weights[0], 2 / 3, accuracy: 1e-6)
        XCTAssertEqual(thirds[1].weights[1], 2 / 3, accuracy: 1e-6)
        let doubled = SquareResampler.weights(from: 2, to: 4)
        XCTAssertEqual(doubled.map(\.weights), [[1, 0], [0.75, 0.25], [0.25, 0.75], [0, 1]])
    }

    func testJPEGRoundTripKeepsAFlatColourAndRefusesJunk() throws {
        let flat = try Bitmap(width: 9, height: 5, channels: 3, pixels: (0..<45).flatMap { _ in [200, 100, 50] as [UInt8] })
        let back = try JPEGReader.decode(JPEGWriter.encode(flat, quality: 100))
        XCTAssertEqual([back.width, back.height, back.channels], [9, 5, 3])
        XCTAssertLessThanOrEqual(zip(back.pixels, flat.pixels).map { abs(Int($0) - Int($1)) }.max()!, 2)
        XCTAssertThrowsError(try JPEGReader.decode([0xFF, 0xD8, 0xFF, 0xE0], source: "x.jpg")) { error in
            XCTAssertTrue("\(error)".hasPrefix("x.jpg: not a readable JPEG: "), "\(error)")
        }
    }
}
