import Foundation
import TensorFormats
import XCTest

/// The headers and data below are what NumPy 2.4 (`numpy.save`, `numpy.lib.format.write_array`) wrote.
final class NPYTests: XCTestCase {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// A .npy file from its parts: the dictionary is followed by `spaces` spaces and a newline.
    private func npyBytes(version: (UInt8, UInt8) = (1, 0), dictionary: String, spaces: Int, payloadHex: String = "") -> Data {
        let header = Array((dictionary + String(repeating: " ", count: spaces) + "\n").utf8)
        var data = Data(Self.magic + [version.0, version.1])
        if version.0 == 1 {
            withUnsafeBytes(of: UInt16(header.count).littleEndian) { data.append(contentsOf: $0) }
        } else {
            withUnsafeBytes(of: UInt32(header.count).littleEndian) { data.append(contentsOf: $0) }
        }
        data.append(contentsOf: header)
        var hex = Substring(payloadHex)
        while !hex.isEmpty {
            data.append(UInt8(hex.prefix(2), radix: 16)!)
            hex = hex.dropFirst(2)
        }
        return data
    }

    private let numpy2x3 = (dictionary: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", spaces: 58,
                            payloadHex: "000080bf000000bf000000000000003f0000803f0000c03f")

    private func readingError(_ data: Data, line: UInt = #line) -> NPYError? {
        thrownError(NPYError.self, line: line) { () throws(NPYError) in try NPYArray(data: data) }
    }

    func testReadsWhatNumPyWrote() throws {
        let array = try NPYArray(data: npyBytes(dictionary: numpy2x3.dictionary, spaces: numpy2x3.spaces, payloadHex: numpy2x3.payloadHex))
        XCTAssertEqual(array.shape, [2, 3])
        XCTAssertEqual(array.values, [-1, -0.5, 0, 0.5, 1, 1.5])
    }

    func testEncodingIsWhatNumPyWrites() throws {
        let cases: [(NPYArray, Data)] = [
            (try NPYArray(shape: [2, 3], values: [-1, -0.5, 0, 0.5, 1, 1.5]),
             npyBytes(dictionary: numpy2x3.dictionary, spaces: numpy2x3.spaces, payloadHex: numpy2x3.payloadHex)),
            (try NPYArray(shape: [], values: [1.5]),
             npyBytes(dictionary: "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", spaces: 62, payloadHex: "0000c03f")),
            (try NPYArray(shape: [0, 4], values: []),
             npyBytes(dictionary: "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4), }", spaces: 58)),
            // Twenty dimensions: the spare spaces NumPy leaves for growing the first dimension push the header
            // past 128 bytes, to 192.
            (try NPYArray(shape: Array(repeating: 1, count: 20), values: [2]),
             npyBytes(dictionary: "{'descr': '<f4', 'fortran_order': False, 'shape': (\(Array(repeating: "1", count: 20).joined(separator: ", "))), }",
                      spaces: 68, payloadHex: "00000040")),
        ]
        for (array, expected) in cases {
            XCTAssertEqual(array.encoded(), expected, "shape \(array.shape)")
            XCTAssertEqual(array.encoded().count % 64, expected.count % 64)
        }
    }

    func testReadsVersion2Headers() throws {
        let data = npyBytes(version: (2, 0), dictionary: "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", spaces: 58,
                            payloadHex: "0000803f0000004000004040")
        XCTAssertEqual(try NPYArray(data: data), try NPYArray(shape: [3], values: [1, 2, 3]))
    }

    func testReadsFloat64RoundingToFloat() throws {
        let data = npyBytes(dictionary: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", spaces: 58,
                            payloadHex: "9a9999999999b93f9c7500883ce4377e00000000000004c00000000000000840")
        let array = try NPYArray(data: data)
        XCTAssertEqual(array.shape, [2, 2])
        XCTAssertEqual(array.values, [Float(0.1), .infinity, -2.5, 3], "1e300 is beyond Float's range")
    }

    func testRoundTripsOddShapesThroughAFile() throws {
        let folder = try temporaryFolder(for: self)
        let arrays = [
            try NPYArray(shape: [3, 1, 2], values: [1, -2, .pi, 0, -0.0, .greatestFiniteMagnitude]),
            try NPYArray(shape: [], values: [42]),
            try NPYArray(shape: [0], values: []),
            try NPYArray(shape: [2, 0, 5], values: []),
            try NPYArray(shape: [1234567], values: (0..<1_234_567).map { Float($0) * 0.5 }),
        ]
        for (index, array) in arrays.enumerated() {
            let url = folder.appendingPathComponent("a\(index).npy")
            try array.write(to: url)
            XCTAssertEqual(try NPYArray(contentsOf: url), array, "shape \(array.shape)")
        }
    }

    func testFortranOrderIsRejected() {
        let data = npyBytes(dictionary: "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", spaces: 59,
                            payloadHex: String(repeating: "00", count: 24))
        XCTAssertEqual(readingError(data), .fortranOrder)
    }

    func testTruncatedOrOverlongDataIsRejected() {
        let full = npyBytes(dictionary: numpy2x3.dictionary, spaces: numpy2x3.spaces, payloadHex: numpy2x3.payloadHex)
        XCTAssertEqual(readingError(full.dropLast(4)), .truncatedData(expectedBytes: 24, availableBytes: 20))
        XCTAssertEqual(readingError(full.prefix(128)), .truncatedData(expectedBytes: 24, availableBytes: 0))
        XCTAssertEqual(readingError(full + [0]), .trailingData(expectedBytes: 24, availableBytes: 25))
    }

    func testTruncatedHeaderIsRejected() {
        let full = npyBytes(dictionary: numpy2x3.dictionary, spaces: numpy2x3.spaces, payloadHex: numpy2x3.payloadHex)
        XCTAssertEqual(readingError(full.prefix(100)), .truncatedHeader(expectedBytes: 128, availableBytes: 100))
        XCTAssertEqual(readingError(full.prefix(9)), .truncatedHeader(expectedBytes: 10, availableBytes: 9))
        XCTAssertEqual(readingError(full.prefix(7)), .truncatedHeader(expectedBytes: 8, availableBytes: 7))
    }

    func testBadMagicIsRejected() {
        XCTAssertEqual(readingError(Data()), .notNPY)
        XCTAssertEqual(readingError(Data("PK\u{3}\u{4}".utf8)), .notNPY, "an .npz archive is not an .npy file")
        var wrong = npyBytes(dictionary: numpy2x3.dictionary, spaces: numpy2x3.spaces, payloadHex: numpy2x3.payloadHex)
        wrong[0] = 0x92
        XCTAssertEqual(readingError(wrong), .notNPY)
    }

    func testUnsupportedVersionsAreRejected() {
        XCTAssertEqual(readingError(npyBytes(version: (3, 0), dictionary: numpy2x3.dictionary, spaces: 56)),
                       .unsupportedVersion(major: 3, minor: 0))
        XCTAssertEqual(readingError(npyBytes(version: (1, 1), dictionary: numpy2x3.dictionary, spaces: 58)),
                       .unsupportedVersion(major: 1, minor: 1))
    }

    func testOtherDTypesAreRejected() {
        let bigEndian = npyBytes(dictionary: "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", spaces: 60,
                                 payloadHex: String(repeating: "00", count: 8))
        XCTAssertEqual(readingError(bigEndian), .unsupportedDType(">f4"))
        let integers = npyBytes(dictionary: "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", spaces: 60,
                                payloadHex: String(repeating: "00", count: 16))
        XCTAssertEqual(readingError(integers), .unsupportedDType("<i8"))
        // Bytes are read too, and the message says so.
        XCTAssertEqual("\(NPYError.unsupportedDType("<i8"))", "unsupported dtype '<i8' (only '<f4', '<f8', '|u1' are read)")
    }

    func testBytesAreReadExactly() throws {
        // numpy.save of np.array([[0, 7, 255]], dtype=np.uint8): '|u1', one byte per value.
        let data = npyBytes(dictionary: "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 3), }", spaces: 58,
                            payloadHex: "0007ff")
        let array = try NPYArray(data: data)
        XCTAssertEqual(array.shape, [1, 3])
        XCTAssertEqual(array.values, [0, 7, 255])
        XCTAssertEqual(array.elementType, .uint8)
        XCTAssertEqual(try NPYArray(shape: [1], values: [1]).elementType, .float32)
    }

    func testMalformedHeadersAreRejected() {
        let dictionaries = [
            "{'descr': '<f4', 'shape': (2, 3), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': True, }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'shape': (2, 3), }",
            "{'descr': '<f4', 'fortran_order': 'no', 'shape': (2, 3), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2.0, 3), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } trailing",
            "{'descr': '<f4' 'fortran_order': False, 'shape': (2, 3), }",
            "{'descr: '<f4', 'fortran_order': False, 'shape': (2, 3), }",
            "",
        ]
        for dictionary in dictionaries {
            guard case .malformedHeader = readingError(npyBytes(dictionary: dictionary, spaces: 3)) else {
                XCTFail("accepted: \(dictionary)")
                continue
            }
        }
    }

    func testShapeWhoseByteSizeOverflowsIsRejected() {
        let data = npyBytes(dictionary: "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904,), }", spaces: 3)
        XCTAssertEqual(readingError(data), .sizeOverflow(shape: [4_611_686_018_427_387_904]))
    }

    func testValuesMustFillTheShape() {
        XCTAssertEqual(thrownError(NPYError.self) { () throws(NPYError) in try NPYArray(shape: [2, 2], values: [1, 2, 3]) },
                       .countMismatch(shape: [2, 2], count: 3))
        XCTAssertEqual(thrownError(NPYError.self) { () throws(NPYError) in try NPYArray(shape: [-1], values: []) },
                       .countMismatch(shape: [-1], count: 0))
    }

    func testFileErrorsNameTheFile() throws {
        let folder = try temporaryFolder(for: self)
        let missing = folder.appendingPathComponent("missing.npy")
        XCTAssertEqual(thrownError(NPYError.self) { () throws(NPYError) in try NPYArray(contentsOf: missing) },
                       .cannotRead(path: missing.path, reason: "No such file or directory"))
        let fortran = folder.appendingPathComponent("fortran.npy")
        try npyBytes(dictionary: "{'descr': '<f4', 'fortran_order': True, 'shape': (), }", spaces: 3, payloadHex: "00000000").write(to: fortran)
        let error = thrownError(NPYError.self) { () throws(NPYError) in try NPYArray(contentsOf: fortran) }
        XCTAssertEqual(error, .inFile(path: fortran.path, .fortranOrder))
        XCTAssertEqual(error?.description, ".npy file \(fortran.path): the array is in Fortran (column-major) order; only C order is read")
    }
}
