import Foundation
import TensorFormats
import XCTest

/// Writes go through a temporary file and a rename: the target is either the old file or the whole new one.
final class AtomicWriteTests: XCTestCase {
    private func contents(of folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    func testWritingOverAnExistingFileReplacesIt() throws {
        let folder = try temporaryFolder(for: self)
        let url = folder.appendingPathComponent("model.safetensors")
        var first = SafeTensors()
        try first.set("w", floats: [1, 2, 3], shape: [3])
        try first.write(to: url)
        var second = SafeTensors(metadata: ["step": "2"])
        try second.set("w", floats: [4], shape: [1, 1])
        try second.write(to: url)

        let read = try SafeTensors(contentsOf: url)
        XCTAssertEqual(read, second)
        XCTAssertEqual(try Data(contentsOf: url), second.encoded())
        XCTAssertEqual(try contents(of: folder), ["model.safetensors"], "no temporary file is left behind")

        let npy = folder.appendingPathComponent("samples.npy")
        try NPYArray(shape: [2], values: [1, 2]).write(to: npy)
        try NPYArray(shape: [], values: [3]).write(to: npy)
        XCTAssertEqual(try NPYArray(contentsOf: npy), try NPYArray(shape: [], values: [3]))
        XCTAssertEqual(try contents(of: folder), ["model.safetensors", "samples.npy"])
    }

    func testWritingIntoAMissingFolderThrowsAndCreatesNothing() throws {
        let folder = try temporaryFolder(for: self)
        let missingFolder = folder.appendingPathComponent("missing")
        let url = missingFolder.appendingPathComponent("model.safetensors")

        let error = thrownError(SafeTensorsError.self) { () throws(SafeTensorsError) in try SafeTensors().write(to: url) }
        guard case let .cannotWrite(path, reason) = error else { return XCTFail("unexpected \(String(describing: error))") }
        XCTAssertEqual(path, url.path)
        XCTAssertTrue(reason.hasSuffix("No such file or directory"), reason)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missingFolder.path))
        XCTAssertEqual(try contents(of: folder), [])

        let npyError = thrownError(NPYError.self) { () throws(NPYError) in
            try NPYArray(shape: [], values: [1]).write(to: missingFolder.appendingPathComponent("a.npy"))
        }
        guard case .cannotWrite = npyError else { return XCTFail("unexpected \(String(describing: npyError))") }
        XCTAssertEqual(try contents(of: folder), [])
    }

    func testAFolderInTheWayIsRefusedAndLeftAsItWas() throws {
        let folder = try temporaryFolder(for: self)
        let blocked = folder.appendingPathComponent("blocked.safetensors")
        try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: blocked.appendingPathComponent("inside"))
        var tensors = SafeTensors()
        try tensors.set("w", floats: [1], shape: [1])

        let error = thrownError(SafeTensorsError.self) { () throws(SafeTensorsError) in try tensors.write(to: blocked) }
        guard case let .cannotWrite(_, reason) = error else { return XCTFail("unexpected \(String(describing: error))") }
        XCTAssertEqual(reason, "it is a folder, not a file")
        XCTAssertEqual(try contents(of: folder), ["blocked.safetensors"])
        XCTAssertEqual(try Data(contentsOf: blocked.appendingPathComponent("inside")), Data("keep".utf8))
    }

    func testATargetNameAsLongAsTheSystemAllowsCanBeWritten() throws {
        let folder = try temporaryFolder(for: self)
        let url = folder.appendingPathComponent(String(repeating: "n", count: 250) + ".npy")
        let array = try NPYArray(shape: [1], values: [5])
        try array.write(to: url)
        XCTAssertEqual(try NPYArray(contentsOf: url), array)
    }
}
