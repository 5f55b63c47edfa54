import WGANFiles
import XCTest

/// The tolerant accessors over the strict parser's values, as a reader of any run's JSON uses them.
final class JSONTests: XCTestCase {
    private func parsed(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    func testDictionaryKeepsTheLastOfARepeatedKey() throws {
        let value = try parsed(#"{"a": 1, "b": "x", "a": 2}"#)
        XCTAssertEqual(value.dictionary, ["a": .integer(2), "b": .string("x")])
        XCTAssertNil(JSONValue.array([]).dictionary)
    }

    func testDoubleReadsANumberHoweverItIsWritten() throws {
        let values = try parsed("[2, 2.5, 2e0, -0, 123456789012345678901234567890, true, \"2\"]")
        guard case let .array(elements) = values else { return XCTFail("not an array: \(values)") }
        XCTAssertEqual(elements.map(\.double), [2, 2.5, 2, 0, 1.2345678901234568e29, nil, nil])
        XCTAssertEqual(elements.last?.string, "2")
    }

    func testNestingBeyondTheLimitIsRefused() {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        XCTAssertThrowsError(try parsed(deep))
        let limit = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        XCTAssertNoThrow(try parsed(limit))
    }
}
