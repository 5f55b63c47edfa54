import Foundation
import TensorFormats
import XCTest

/// Files in `Fixtures/` beside this file (made by `Fixtures/make_fixtures.py`) and in `../shared/fixtures/`.
enum FixtureFiles {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let shared = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/fixtures").standardizedFileURL

    static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }
}

/// Every tensor of `actual` equals, bitwise, the tensor of the same name in `expected`, and the names match.
func assertSameTensors(_ actual: SafeTensors, _ expected: SafeTensors, count: Int, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(expected.names.count, count, "expected key count", file: file, line: line)
    XCTAssertEqual(Set(actual.names), Set(expected.names), file: file, line: line)
    for name in expected.names {
        XCTAssertEqual(actual[name], expected[name], "tensor \(name)", file: file, line: line)
    }
}

final class PyTorchFileTests: XCTestCase {
    /// The proof: both formats of the shared fixture give exactly the contiguous tensors.
    func testInceptionSubsetBothFormatsReadExactly() throws {
        let expected = try SafeTensors(contentsOf: FixtureFiles.shared.appendingPathComponent("inception_subset_expected.safetensors"))
        for file in ["inception_subset_zip.pth", "inception_subset_legacy.pth"] {
            let read = try PyTorchFile.read(contentsOf: FixtureFiles.shared.appendingPathComponent(file))
            assertSameTensors(read, expected, count: 10)
            XCTAssertEqual(read.names.first, "Conv2d_1a_3x3.conv.weight", "\(file): the dict's order")
            XCTAssertEqual(try read.shape(of: "test.view_with_offset"), [4, 6])
            XCTAssertEqual(try read.floats("test.view_with_offset"), Array(try read.floats("test.whole")[10..<34]), file)
            XCTAssertEqual(try read.dtype(of: "test.transposed"), .f64)
            XCTAssertEqual(try read.shape(of: "test.transposed"), [3, 2])
            XCTAssertEqual(try read.int64s("Conv2d_1a_3x3.bn.num_batches_tracked"), [0])
            XCTAssertEqual(try read.shape(of: "Conv2d_1a_3x3.bn.num_batches_tracked"), [])
        }
    }

    /// Offsets and strides (permuted, transposed, a 0-d view, stride 0), float16, an empty tensor,
    /// an `nn.Parameter` and an `OrderedDict` with `_metadata`, in both formats.
    func testSmallFixturesWithViewsReadExactly() throws {
        let expected = try SafeTensors(contentsOf: FixtureFiles.fixtures.appendingPathComponent("small_expected.safetensors"))
        for file in ["small_zip.pth", "small_legacy.pth"] {
            let read = try PyTorchFile.read(contentsOf: FixtureFiles.fixtures.appendingPathComponent(file))
            assertSameTensors(read, expected, count: 16)
            XCTAssertEqual(read.names, expected.names, "\(file): the dict's order")
            XCTAssertEqual(try read.doubles("double.view"), [-0.4, -0.3, 0.0, 0.1, 0.4, 0.5].map { $0 }, accuracy: 1e-15)
            XCTAssertEqual(try read.int64s("long.transposed").prefix(3), [-6_000_000_042, -2_000_000_014, 2_000_000_014])
            XCTAssertEqual(try read.int64s("long.scalar"), [1_000_000_007])
            XCTAssertEqual(try read.floats("float.expanded"), [1.5, 1.5, 1.5, 1.5, -2.25, -2.25, -2.25, -2.25, 3, 3, 3, 3])
            XCTAssertEqual(try read.shape(of: "empty"), [0, 3])
            XCTAssertEqual(try read.floats("parameter"), [1, 2, 3, 4])
        }
    }

    func testNeitherFormatIsRefused() {
        XCTAssertEqual(thrownError(PyTorchFileError.self) { () throws(PyTorchFileError) in try PyTorchFile.read(bytes: Array("hello".utf8)) }, .notPyTorch)
        XCTAssertEqual(thrownError(PyTorchFileError.self) { () throws(PyTorchFileError) in try PyTorchFile.read(bytes: []) }, .notPyTorch)
        // A pickle, but not PyTorch's magic number first.
        XCTAssertEqual(thrownError(PyTorchFileError.self) { () throws(PyTorchFileError) in try PyTorchFile.read(bytes: [0x80, 0x02, 0x4B, 0x07, 0x2E]) }, .notPyTorch)
    }

    func testMissingFileNamesIt() throws {
        let path = try temporaryFolder(for: self).appendingPathComponent("absent.pth")
        let error = thrownError(PyTorchFileError.self) { () throws(PyTorchFileError) in try PyTorchFile.read(contentsOf: path) }
        guard case .cannotRead(path.path, _)? = error else { return XCTFail("\(String(describing: error))") }
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
