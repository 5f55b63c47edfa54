import Foundation
import TensorFormats
import XCTest

/// One test per way a file can be malformed, each asserting the specific error.
final class SafeTensorsMalformedTests: XCTestCase {
    private func readingError(_ data: Data, file: StaticString = #filePath, line: UInt = #line) -> SafeTensorsError? {
        thrownError(SafeTensorsError.self, file: file, line: line) { () throws(SafeTensorsError) in try SafeTensors(data: data) }
    }

    private func readingError(header: String, buffer: [UInt8] = [], file: StaticString = #filePath, line: UInt = #line) -> SafeTensorsError? {
        readingError(safetensorsBytes(header: header, buffer: buffer), file: file, line: line)
    }

    /// A header entry for tensor `name`, F32 unless told.
    private func entry(_ name: String, dtype: String = "\"F32\"", shape: String, offsets: String) -> String {
        "\"\(name)\":{\"dtype\":\(dtype),\"shape\":\(shape),\"data_offsets\":\(offsets)}"
    }

    func testShorterThanTheLengthField() {
        XCTAssertEqual(readingError(Data()), .tooShort(byteCount: 0))
        XCTAssertEqual(readingError(Data([1, 0, 0, 0, 0, 0, 0])), .tooShort(byteCount: 7))
    }

    func testZeroHeaderLength() {
        XCTAssertEqual(readingError(Data(count: 8)), .emptyHeader)
    }

    func testAbsurdHeaderLengthIsRefusedBeforeAllocating() {
        var data = Data()
        withUnsafeBytes(of: UInt64.max.littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array("{}".utf8))
        XCTAssertEqual(readingError(data), .headerTooLarge(length: UInt64.max, limit: 100_000_000))
    }

    func testHeaderLengthPastTheEnd() {
        var data = Data()
        withUnsafeBytes(of: UInt64(100).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array("{}        ".utf8))
        XCTAssertEqual(readingError(data), .headerPastEnd(length: 100, available: 10))
    }

    func testHeaderNotUTF8() {
        XCTAssertEqual(readingError(safetensorsBytes(headerBytes: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])), .headerNotUTF8)
    }

    func testHeaderNotJSON() {
        for header in ["{\"a\":", "{'a': 1}", "{} x", "{\"a\":{\"dtype\":\"F32\",}}", "{\"a\":01}"] {
            guard case let .headerNotJSON(reason) = readingError(header: header) else {
                XCTFail("\(header) should not parse as JSON")
                continue
            }
            XCTAssertTrue(reason.contains("at byte"), reason)
        }
    }

    func testHeaderNestedTooDeepIsRefusedWithoutRecursingFurther() {
        let header = "{\"__metadata__\":" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        guard case let .headerNotJSON(reason) = readingError(header: header) else { return XCTFail("deep nesting accepted") }
        XCTAssertTrue(reason.contains("nested deeper"), reason)
    }

    func testHeaderNotAnObject() {
        XCTAssertEqual(readingError(header: "[1, 2]  "), .headerNotObject)
        XCTAssertEqual(readingError(header: "\"F32\"   "), .headerNotObject)
    }

    func testEntryNotAnObject() {
        XCTAssertEqual(readingError(header: "{\"w\":[1,2]}"), .entryNotObject(tensor: "w"))
    }

    func testEntryFieldMissingRepeatedOrMistyped() {
        XCTAssertEqual(readingError(header: "{\"w\":{\"shape\":[],\"data_offsets\":[0,4]}}", buffer: [0, 0, 0, 0]),
                       .malformedEntry(tensor: "w", reason: "no \"dtype\" field"))
        XCTAssertEqual(readingError(header: "{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}"),
                       .malformedEntry(tensor: "w", reason: "field \"dtype\" appears more than once"))
        XCTAssertEqual(readingError(header: "{" + entry("w", dtype: "32", shape: "[]", offsets: "[0,4]") + "}"),
                       .malformedEntry(tensor: "w", reason: "dtype is not a string"))
    }

    func testUnknownDType() {
        XCTAssertEqual(readingError(header: "{" + entry("w", dtype: "\"F128\"", shape: "[1]", offsets: "[0,16]") + "}"),
                       .unknownDType(tensor: "w", dtype: "F128"))
        XCTAssertEqual(readingError(header: "{" + entry("w", dtype: "\"f32\"", shape: "[1]", offsets: "[0,4]") + "}"),
                       .unknownDType(tensor: "w", dtype: "f32"), "dtype names are case-sensitive")
    }

    func testShapeNotAnArrayOfNonNegativeIntegers() {
        for shape in ["[-1]", "[1.5]", "[2e0]", "[2.0]", "3", "[\"3\"]", "[null]", "[99999999999999999999]", "{}"] {
            XCTAssertEqual(readingError(header: "{" + entry("w", shape: shape, offsets: "[0,0]") + "}"),
                           .invalidShape(tensor: "w"), shape)
        }
    }

    func testDataOffsetsNotTwoNonNegativeIntegers() {
        for offsets in ["[0]", "[0,4,8]", "[0,\"4\"]", "[-4,0]", "[0,4.0]", "4"] {
            XCTAssertEqual(readingError(header: "{" + entry("w", shape: "[1]", offsets: offsets) + "}", buffer: [0, 0, 0, 0]),
                           .invalidDataOffsets(tensor: "w"), offsets)
        }
    }

    func testDataOffsetsBeginAfterEnd() {
        XCTAssertEqual(readingError(header: "{" + entry("w", shape: "[1]", offsets: "[8,4]") + "}", buffer: Array(repeating: 0, count: 8)),
                       .reversedDataOffsets(tensor: "w", begin: 8, end: 4))
    }

    func testDataEndBeyondTheBuffer() {
        XCTAssertEqual(readingError(header: "{" + entry("w", shape: "[4]", offsets: "[0,16]") + "}", buffer: Array(repeating: 0, count: 8)),
                       .dataOutOfBounds(tensor: "w", end: 16, bufferSize: 8))
    }

    func testByteCountDisagreesWithShapeAndDType() {
        XCTAssertEqual(readingError(header: "{" + entry("w", shape: "[3]", offsets: "[0,8]") + "}", buffer: Array(repeating: 0, count: 8)),
                       .sizeMismatch(tensor: "w", expectedBytes: 12, actualBytes: 8))
        XCTAssertEqual(readingError(header: "{" + entry("s", dtype: "\"I64\"", shape: "[]", offsets: "[0,4]") + "}", buffer: [0, 0, 0, 0]),
                       .sizeMismatch(tensor: "s", expectedBytes: 8, actualBytes: 4), "a scalar holds one element")
    }

    func testShapeWhoseByteSizeOverflows() {
        // 2^61 elements fit in Int; times 4 bytes they do not. A naive product would trap or wrap around to 0.
        XCTAssertEqual(readingError(header: "{" + entry("w", shape: "[2305843009213693952]", offsets: "[0,0]") + "}"),
                       .sizeOverflow(tensor: "w"))
        XCTAssertEqual(readingError(header: "{" + entry("w", shape: "[4294967296,4294967296,0]", offsets: "[0,0]") + "}"),
                       .sizeOverflow(tensor: "w"), "the product overflows before the 0 would bring it back")
    }

    func testOverlappingRanges() {
        let header = "{" + entry("a", shape: "[2]", offsets: "[0,8]") + "," + entry("b", shape: "[2]", offsets: "[4,12]") + "}"
        XCTAssertEqual(readingError(header: header, buffer: Array(repeating: 0, count: 12)), .overlappingData(tensor: "b", other: "a"))
        let inside = "{" + entry("a", shape: "[2]", offsets: "[0,8]") + "," + entry("empty", shape: "[0]", offsets: "[4,4]") + "}"
        XCTAssertEqual(readingError(header: inside, buffer: Array(repeating: 0, count: 8)), .overlappingData(tensor: "empty", other: "a"))
    }

    func testBytesCoveredByNoTensor() {
        let hole = "{" + entry("a", shape: "[1]", offsets: "[0,4]") + "," + entry("b", shape: "[1]", offsets: "[8,12]") + "}"
        XCTAssertEqual(readingError(header: hole, buffer: Array(repeating: 0, count: 12)), .uncoveredBytes(begin: 4, end: 8))
        let trailing = "{" + entry("a", shape: "[1]", offsets: "[0,4]") + "}"
        XCTAssertEqual(readingError(header: trailing, buffer: Array(repeating: 0, count: 6)), .uncoveredBytes(begin: 4, end: 6))
        XCTAssertEqual(readingError(header: "{}", buffer: [1]), .uncoveredBytes(begin: 0, end: 1))
        let leading = "{" + entry("a", shape: "[1]", offsets: "[4,8]") + "}"
        XCTAssertEqual(readingError(header: leading, buffer: Array(repeating: 0, count: 8)), .uncoveredBytes(begin: 0, end: 4))
    }

    func testDuplicateNames() {
        let header = "{" + entry("a", shape: "[1]", offsets: "[0,4]") + "," + entry("a", shape: "[1]", offsets: "[4,8]") + "}"
        XCTAssertEqual(readingError(header: header, buffer: Array(repeating: 0, count: 8)), .duplicateName("a"))
        XCTAssertEqual(readingError(header: "{\"__metadata__\":{},\"__metadata__\":{}}"), .duplicateName("__metadata__"))
    }

    func testMetadataNotStrings() {
        XCTAssertEqual(readingError(header: "{\"__metadata__\":{\"epoch\":3}}"), .metadataValueNotString(key: "epoch"))
        XCTAssertEqual(readingError(header: "{\"__metadata__\":{\"a\":\"x\",\"b\":null}}"), .metadataValueNotString(key: "b"))
        XCTAssertEqual(readingError(header: "{\"__metadata__\":[\"a\"]}"), .metadataNotObject)
    }

    func testFileErrorsNameTheFile() throws {
        let folder = try temporaryFolder(for: self)
        let missing = folder.appendingPathComponent("missing.safetensors")
        let readMissing = thrownError(SafeTensorsError.self) { () throws(SafeTensorsError) in try SafeTensors(contentsOf: missing) }
        XCTAssertEqual(readMissing, .cannotRead(path: missing.path, reason: "No such file or directory"))

        let broken = folder.appendingPathComponent("broken.safetensors")
        try Data(count: 8).write(to: broken)
        let readBroken = thrownError(SafeTensorsError.self) { () throws(SafeTensorsError) in try SafeTensors(contentsOf: broken) }
        XCTAssertEqual(readBroken, .inFile(path: broken.path, .emptyHeader))
        XCTAssertEqual(readBroken?.description, "safetensors file \(broken.path): the header length is 0")
    }

    func testDescriptionsAreOneLineAndNameTheTensor() {
        let errors: [SafeTensorsError] = [
            .unknownDType(tensor: "w\nx", dtype: "F7"), .sizeMismatch(tensor: "w", expectedBytes: 12, actualBytes: 8),
            .overlappingData(tensor: "b", other: "a"), .dtypeMismatch(tensor: "w", dtype: .f32, expected: [.f64, .i64]),
        ]
        for error in errors {
            XCTAssertFalse(error.description.contains("\n"), error.description)
        }
        XCTAssertEqual(errors[0].description, #"tensor "w\nx": unknown dtype "F7""#)
        XCTAssertEqual(errors[1].description, #"tensor "w": shape and dtype need 12 bytes but 8 are given"#)
        XCTAssertEqual(errors[3].description, #"tensor "w" is F32, expected F64 or I64"#)
    }
}
