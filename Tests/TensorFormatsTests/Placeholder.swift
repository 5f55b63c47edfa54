import XCTest
final class TensorFormatsTestsPlaceholder: XCTestCase { func testPlaceholder() { XCTAssertEqual(1 + 1, 2) } }
