import XCTest
final class WGANEngineTestsPlaceholder: XCTestCase { func testPlaceholder() { XCTAssertEqual(1 + 1, 2) } }
