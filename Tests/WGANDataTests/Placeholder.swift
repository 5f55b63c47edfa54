import XCTest
final class WGANDataTestsPlaceholder: XCTestCase { func testPlaceholder() { XCTAssertEqual(1 + 1, 2) } }
