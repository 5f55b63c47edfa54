import Foundation
import TensorFormats
import XCTest

final class SafeTensorsRoundTripTests: XCTestCase {
    private func roundTripped(_ tensors: SafeTensors) throws -> SafeTensors {
        try SafeTensors(data: tensors.encoded())
    }

    func testValuesShapesAndDTypesSurviveARoundTrip() throws {
        var tensors = SafeTensors(metadata: ["format": "pt", "note": "quote \" backslash \\ é"])
        let weights: [Float] = [1.5, -2.25, .pi, 0, -0.0, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity, 1e-3, 7, 8]
        try tensors.set("w", floats: weights, shape: [2, 3, 1, 2])
        try tensors.set("results", doubles: [1.0 / 3.0, -1e300, 5e-324, 2], shape: [1, 4])
        try tensors.set("count", int64s: [Int64.min], shape: [])
        try tensors.set("steps", int64s: [0, 1, -1, Int64.max, 42], shape: [5, 1])
        try tensors.set("empty", floats: [], shape: [0, 3])
        try tensors.set("emptyDoubles", doubles: [], shape: [4, 0, 2])
        try tensors.set("scalar", floats: [-7.5], shape: [])
        try tensors.set("naïve \"name\"\n", doubles: [.nan], shape: [1])

        let read = try roundTripped(tensors)

        XCTAssertEqual(Set(read.names), Set(tensors.names))
        XCTAssertEqual(read.metadata, tensors.metadata)
        XCTAssertEqual(try read.floats("w").map(\.bitPattern), weights.map(\.bitPattern), "-0.0 and infinities are kept bit for bit")
        XCTAssertEqual(try read.shape(of: "w"), [2, 3, 1, 2])
        XCTAssertEqual(try read.dtype(of: "w"), .f32)
        XCTAssertEqual(try read.doubles("results"), [1.0 / 3.0, -1e300, 5e-324, 2])
        XCTAssertEqual(try read.dtype(of: "results"), .f64)
        XCTAssertEqual(try read.int64s("count"), [Int64.min])
        XCTAssertEqual(try read.shape(of: "count"), [])
        XCTAssertEqual(try read.int64s("steps"), [0, 1, -1, Int64.max, 42])
        XCTAssertEqual(try read.floats("empty"), [])
        XCTAssertEqual(try read.shape(of: "empty"), [0, 3])
        XCTAssertEqual(try read.doubles("emptyDoubles"), [])
        XCTAssertEqual(try read.shape(of: "emptyDoubles"), [4, 0, 2])
        XCTAssertEqual(try read.floats("scalar"), [-7.5])
        XCTAssertTrue(try read.doubles("naïve \"name\"\n")[0].isNaN)
        for entry in tensors.entries {
            XCTAssertEqual(read[entry.name], entry)
        }
    }

    func testEntriesAddedFromValuesReadBackAsTheirBytes() throws {
        var tensors = SafeTensors()
        let weights: [Float] = [1, -0.0, .nan, 3]
        try tensors.set("w", floats: weights, shape: [2, 2])
        try tensors.set("c", int64s: [258], shape: [])
        let entry = try XCTUnwrap(tensors["w"])
        XCTAssertEqual(entry.byteCount, 16)
        XCTAssertEqual(entry.elementCount, 4)
        XCTAssertEqual(entry.bytes, Data([0, 0, 0x80, 0x3F, 0, 0, 0, 0x80, 0, 0, 0xC0, 0x7F, 0, 0, 0x40, 0x40]))
        XCTAssertEqual(try tensors.floats("w").map(\.bitPattern), weights.map(\.bitPattern))
        XCTAssertEqual(tensors["c"]?.bytes, Data([2, 1, 0, 0, 0, 0, 0, 0]))

        // An entry holding bytes equals one holding the same values, and differs by a single bit.
        var fromBytes = SafeTensors()
        try fromBytes.set("w", dtype: .f32, shape: [2, 2], bytes: entry.bytes)
        XCTAssertEqual(fromBytes["w"], entry)
        var flipped = entry.bytes
        flipped[0] ^= 1
        try fromBytes.set("w", dtype: .f32, shape: [2, 2], bytes: flipped)
        XCTAssertNotEqual(fromBytes["w"], entry)
    }

    func testWritingStreamsExactlyTheEncoding() throws {
        var tensors = SafeTensors(metadata: ["format": "pt"])
        try tensors.set("w", floats: (0..<1000).map { Float($0) / 7 }, shape: [10, 100])
        try tensors.set("d", doubles: [1.0 / 3.0], shape: [])
        try tensors.set("empty", floats: [], shape: [0])
        try tensors.set("n", int64s: [1, 2, 3], shape: [3])
        try tensors.set("h", dtype: .f16, shape: [2], bytes: Data([0, 0x3C, 0, 0xC0]))
        let url = try temporaryFolder(for: self).appendingPathComponent("t.safetensors")
        try tensors.write(to: url)
        XCTAssertEqual(try Data(contentsOf: url), tensors.encoded())
        let read = try SafeTensors(contentsOf: url)
        XCTAssertEqual(read.metadata, tensors.metadata)
        XCTAssertEqual(Set(read.names), Set(tensors.names))
        for entry in tensors.entries {
            XCTAssertTrue(read[entry.name] == entry, entry.name)
        }
    }

    func testEncodingIsExactlyTheFormat() throws {
        var tensors = SafeTensors()
        try tensors.set("b", floats: [1, -2], shape: [2])
        try tensors.set("a", int64s: [258], shape: [])
        let header = #"{"a":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        let buffer: [UInt8] = [0x02, 0x01, 0, 0, 0, 0, 0, 0, /* 1.0f */ 0, 0, 0x80, 0x3F, /* -2.0f */ 0, 0, 0, 0xC0]
        XCTAssertEqual(tensors.encoded(), safetensorsBytes(header: padded, buffer: buffer))
    }

    func testLayoutIsByDTypeThenNameWhateverTheInsertionOrder() throws {
        var forward = SafeTensors(metadata: ["b": "2", "a": "1"])
        try forward.set("z8", doubles: [1], shape: [1])
        try forward.set("a4", floats: [1, 2, 3], shape: [3])
        try forward.set("b8", int64s: [1], shape: [1])
        var backward = SafeTensors(metadata: ["a": "1", "b": "2"])
        try backward.set("b8", int64s: [1], shape: [1])
        try backward.set("a4", floats: [1, 2, 3], shape: [3])
        try backward.set("z8", doubles: [1], shape: [1])

        XCTAssertEqual(forward.encoded(), backward.encoded())
        XCTAssertEqual(forward.names, ["z8", "a4", "b8"], "in memory, insertion order is kept")
        XCTAssertEqual(try roundTripped(forward).names, ["b8", "z8", "a4"], "I64, then F64, then F32, each by name")
        let headerLength = forward.encoded().prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        XCTAssertEqual(headerLength % 8, 0, "the header is padded so that the buffer starts 8-byte aligned")
    }

    func testNamesAreOrderedByTheirUTF8Bytes() throws {
        // Swift's `<` compares normalized text and would put "éa" first; the reference compares bytes, and
        // "e" + combining accent (0x65 …) comes before precomposed "é" (0xC3 …).
        let decomposed = "e\u{301}x", precomposed = "\u{e9}a"
        var tensors = SafeTensors()
        try tensors.set(precomposed, floats: [1], shape: [1])
        try tensors.set(decomposed, floats: [2], shape: [1])
        try tensors.set("Z", floats: [3], shape: [1])
        let names = try roundTripped(tensors).names
        XCTAssertEqual(names.map { Array($0.unicodeScalars) }, ["Z", decomposed, precomposed].map { Array($0.unicodeScalars) })
    }

    func testEmptyValueRoundTrips() throws {
        let read = try roundTripped(SafeTensors())
        XCTAssertEqual(read.names, [])
        XCTAssertEqual(read.metadata, [:])
        XCTAssertEqual(SafeTensors().encoded(), safetensorsBytes(header: "{}      "))
    }

    func testReadsFromADataSliceThatDoesNotStartAtZero() throws {
        var tensors = SafeTensors()
        try tensors.set("w", floats: [4, 5], shape: [2])
        let padded = Data([9, 9, 9]) + tensors.encoded()
        XCTAssertEqual(try SafeTensors(data: padded.dropFirst(3)).floats("w"), [4, 5])
    }

    func testUnicodeEscapesInNamesAreDecoded() throws {
        let header = #"{"caf\u00e9 \ud83d\ude00 \/ \t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#
        let read = try SafeTensors(data: safetensorsBytes(header: header, buffer: [200]))
        XCTAssertEqual(read.names, ["café 😀 / \t"])
        XCTAssertEqual(read["café 😀 / \t"]?.bytes, Data([200]))
        let loneSurrogate = #"{"\ud83d":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#
        let error = thrownError(SafeTensorsError.self) { () throws(SafeTensorsError) in
            try SafeTensors(data: safetensorsBytes(header: loneSurrogate, buffer: [200]))
        }
        guard case .headerNotJSON = error else { return XCTFail("a lone surrogate was accepted: \(String(describing: error))") }
    }

    func testOtherDTypesRoundTripAsBytes() throws {
        var tensors = SafeTensors()
        let halfBytes = Data([0x00, 0x3C, 0x00, 0xC0]) // 1.0 and -2.0 as F16
        try tensors.set("half", dtype: .f16, shape: [2], bytes: halfBytes)
        try tensors.set("mask", dtype: .bool, shape: [3], bytes: Data([1, 0, 1]))
        let read = try roundTripped(tensors)
        XCTAssertEqual(read["half"]?.bytes, halfBytes)
        XCTAssertEqual(read["half"]?.elementCount, 2)
        XCTAssertEqual(read["mask"]?.dtype, .bool)
        XCTAssertEqual(SafeTensorsDType.allCases.map(\.byteSize), [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 8, 8, 8],
                       "declared by element size, so laying out in reverse order keeps every tensor aligned")
    }
}
