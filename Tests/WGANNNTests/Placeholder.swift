import XCTest
final class WGANNNTestsPlaceholder: XCTestCase { func testPlaceholder() { XCTAssertEqual(1 + 1, 2) } }
