import Foundation
import TensorFormats
import XCTest

/// The typed accessors and `set`: conversions they allow, and the errors, never traps, for the rest.
final class SafeTensorsAccessTests: XCTestCase {
    private func sample() throws -> SafeTensors {
        var tensors = SafeTensors()
        try tensors.set("f32", floats: [0.1, 3e38], shape: [2])
        try tensors.set("f64", doubles: [0.1, 1e300, -2.5], shape: [3])
        try tensors.set("i64", int64s: [7], shape: [])
        return tensors
    }

    private func accessError<Value>(_ body: () throws(SafeTensorsError) -> Value, line: UInt = #line) -> SafeTensorsError? {
        thrownError(SafeTensorsError.self, line: line, body)
    }

    func testFloatsRefusesF64() throws {
        let tensors = try sample()
        XCTAssertEqual(try tensors.floats("f32"), [0.1, 3e38])
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try tensors.floats("f64") },
                       .dtypeMismatch(tensor: "f64", dtype: .f64, expected: [.f32]))
    }

    func testRoundedFloatsAcceptsF64RoundingToNearest() throws {
        let tensors = try sample()
        XCTAssertEqual(try tensors.roundedFloats("f64"), [Float(0.1), .infinity, -2.5])
        XCTAssertEqual(try tensors.roundedFloats("f32"), [0.1, 3e38])
    }

    func testDoublesWidensF32Exactly() throws {
        let tensors = try sample()
        XCTAssertEqual(try tensors.doubles("f32"), [Double(Float(0.1)), Double(Float(3e38))])
        XCTAssertEqual(try tensors.doubles("f64"), [0.1, 1e300, -2.5])
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try tensors.doubles("i64") },
                       .dtypeMismatch(tensor: "i64", dtype: .i64, expected: [.f64, .f32]))
    }

    func testInt64sRefusesFloats() throws {
        let tensors = try sample()
        XCTAssertEqual(try tensors.int64s("i64"), [7])
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try tensors.int64s("f32") },
                       .dtypeMismatch(tensor: "f32", dtype: .f32, expected: [.i64]))
    }

    func testMissingTensor() throws {
        let tensors = try sample()
        XCTAssertNil(tensors["nope"])
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try tensors.shape(of: "nope") }, .missingTensor("nope"))
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try tensors.dtype(of: "nope") }, .missingTensor("nope"))
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try tensors.floats("nope") }, .missingTensor("nope"))
    }

    func testSetRefusesValuesThatDoNotFillTheShape() {
        var tensors = SafeTensors()
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try tensors.set("w", floats: [1, 2, 3], shape: [2, 2]) },
                       .countMismatch(tensor: "w", shape: [2, 2], count: 3))
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try tensors.set("s", doubles: [], shape: []) },
                       .countMismatch(tensor: "s", shape: [], count: 0), "a scalar needs one value")
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try tensors.set("w", int64s: [], shape: [Int.max, 2, 0]) },
                       .countMismatch(tensor: "w", shape: [Int.max, 2, 0], count: 0), "an overflowing shape does not trap")
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try tensors.set("w", floats: [], shape: [-1, 0]) },
                       .invalidShape(tensor: "w"))
        XCTAssertEqual(tensors.names, [], "nothing is stored by a failed set")
    }

    /// Floats in a buffer of their own, as a model's weights would be.
    private final class Weights: SafeTensorsFloatSource, @unchecked Sendable {
        var values: [Float]
        init(_ values: [Float]) { self.values = values }
        var count: Int { values.count }
        func withUnsafeFloats<Result>(_ body: (UnsafeBufferPointer<Float>) throws -> Result) rethrows -> Result {
            try values.withUnsafeBufferPointer(body)
        }
    }

    func testFloatsInASourceAreReadInPlace() throws {
        let weights = Weights([1, -2, 0.5, .infinity])
        var referring = SafeTensors()
        try referring.set("w", floatsIn: weights, shape: [2, 2])
        var copied = SafeTensors()
        try copied.set("w", floats: weights.values, shape: [2, 2])
        XCTAssertEqual(referring, copied)
        XCTAssertEqual(referring.encoded(), copied.encoded())
        XCTAssertEqual(try referring.floats("w"), weights.values)
        XCTAssertEqual(referring["w"]?.byteCount, 16)

        // What the entry holds is the source's memory, not a snapshot of it.
        weights.values[1] = 3
        XCTAssertEqual(try referring.floats("w"), [1, 3, 0.5, .infinity])
        XCTAssertNotEqual(referring, copied)

        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try referring.set("v", floatsIn: weights, shape: [3]) },
                       .countMismatch(tensor: "v", shape: [3], count: 4))
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try referring.set("__metadata__", floatsIn: weights, shape: [4]) },
                       .reservedName)
        XCTAssertEqual(referring.names, ["w"])
    }

    func testSetRawBytesChecksTheirSize() {
        var tensors = SafeTensors()
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try tensors.set("h", dtype: .bf16, shape: [3], bytes: Data(count: 4)) },
                       .sizeMismatch(tensor: "h", expectedBytes: 6, actualBytes: 4))
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try tensors.set("h", dtype: .u64, shape: [Int.max], bytes: Data()) },
                       .sizeOverflow(tensor: "h"))
    }

    func testMetadataKeyCannotNameATensor() {
        var tensors = SafeTensors()
        XCTAssertEqual(accessError { () throws(SafeTensorsError) in try tensors.set("__metadata__", floats: [1], shape: [1]) },
                       .reservedName)
    }

    func testSetReplacesInPlace() throws {
        var tensors = try sample()
        try tensors.set("f64", int64s: [1, 2], shape: [2, 1])
        XCTAssertEqual(tensors.names, ["f32", "f64", "i64"])
        XCTAssertEqual(try tensors.dtype(of: "f64"), .i64)
        XCTAssertEqual(try tensors.int64s("f64"), [1, 2])
        XCTAssertEqual(try tensors.shape(of: "f64"), [2, 1])
    }
}
