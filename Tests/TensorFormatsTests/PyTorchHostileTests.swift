import Foundation
import TensorFormats
import XCTest

/// `.pth` files built to attack the reader: globals that would run code, and damaged files.
final class PyTorchHostileTests: XCTestCase {
    /// Pickle opcodes for protocol 2.
    private static func text(_ string: String) -> [UInt8] {     // BINUNICODE
        let utf8 = Array(string.utf8)
        return [0x58] + withUnsafeBytes(of: UInt32(utf8.count).littleEndian, Array.init) + utf8
    }

    private static func global(_ module: String, _ name: String) -> [UInt8] { [0x63] + Array("\(module)\n\(name)\n".utf8) }

    /// The three pickles a legacy file starts with: magic number, protocol version 1001, system information.
    private static let legacyPreamble: [UInt8] =
        [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        + [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E]
        + [0x80, 0x02, 0x7D, 0x28] + text("little_endian") + [0x88, 0x75, 0x2E]

    /// `{'weight': module.name(argument)}`, the call a hostile file would make when loaded by `pickle`.
    private static func hostileDict(_ module: String, _ name: String, _ argument: String) -> [UInt8] {
        [0x80, 0x02, 0x7D, 0x28] + text("weight") + global(module, name) + text(argument) + [0x85, 0x52, 0x75, 0x2E]
    }

    /// `os.system`, `posix.system` and `builtins.eval` (also through protocol 4's STACK_GLOBAL) are
    /// refused by name in both formats, and the command they carry never runs.
    func testGlobalsThatRunCodeAreRefusedAndNothingRuns() throws {
        let marker = try temporaryFolder(for: self).appendingPathComponent("ran")
        let command = "touch \(marker.path)"
        let stackGlobalEval: [UInt8] = [0x80, 0x04, 0x7D, 0x28] + Self.text("weight") + Self.text("builtins") + Self.text("eval")
            + [0x93] + Self.text("__import__('os').system('\(command)')") + [0x85, 0x52, 0x75, 0x2E]
        let pickles: [(String, [UInt8])] = [
            ("os.system", Self.hostileDict("os", "system", command)),
            ("posix.system", Self.hostileDict("posix", "system", command)),
            ("builtins.eval", Self.hostileDict("builtins", "eval", "__import__('os').system('\(command)')")),
            ("builtins.eval", stackGlobalEval),
        ]
        for (global, pickle) in pickles {
            let zip = try ZipWriter.stored([("archive/data.pkl", Data(pickle)), ("archive/version", Data("3\n".utf8))])
            for file in [Self.legacyPreamble + pickle, [UInt8](zip)] {
                let error = thrownError(PyTorchFileError.self) { () throws(PyTorchFileError) in try PyTorchFile.read(bytes: file) }
                guard case .pickle(let failure)? = error else { XCTFail("\(global): \(String(describing: error))"); continue }
                XCTAssertTrue(failure.reason.hasPrefix("refused the global \(global):"), failure.reason)
                XCTAssertFalse("\(error!)".contains("\n"))
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path), "a refused global ran")
    }

    /// Other callables PyTorch would accept only with `weights_only=False` are refused too.
    func testOnlyTheTensorGlobalsAreAllowed() throws {
        let pickle = Self.hostileDict("torch", "load", "x")
        let error = thrownError(PyTorchFileError.self) { () throws(PyTorchFileError) in try PyTorchFile.read(bytes: Self.legacyPreamble + pickle) }
        guard case .pickle(let failure)? = error else { return XCTFail(String(describing: error)) }
        XCTAssertTrue(failure.reason.hasPrefix("refused the global torch.load:"), failure.reason)
    }

    /// Prefixes of both fixtures are refused with a one-line error, never a trap.
    func testTruncatedFilesGiveOneLineErrors() throws {
        for file in ["small_zip.pth", "small_legacy.pth"] {
            let bytes = try FixtureFiles.bytes(FixtureFiles.fixtures.appendingPathComponent(file))
            // Every fourth length keeps the test quick in debug builds; every structure is still cut.
            for length in stride(from: 0, to: bytes.count, by: 4) {
                let error = thrownError(PyTorchFileError.self) { () throws(PyTorchFileError) in try PyTorchFile.read(bytes: Array(bytes[..<length])) }
                XCTAssertFalse(error.map { "\($0)".contains("\n") } ?? true, "\(file) cut at \(length)")
            }
        }
    }

    /// Bytes of both fixtures inverted one at a time (every fourth): the reader reports an error or returns tensors,
    /// never traps; inverting a byte of a stored tensor in the zip fails its CRC-32.
    func testCorruptFilesNeverTrap() throws {
        for file in ["small_zip.pth", "small_legacy.pth"] {
            let bytes = try FixtureFiles.bytes(FixtureFiles.fixtures.appendingPathComponent(file))
            for position in stride(from: 0, to: bytes.count, by: 4) {
                var damaged = bytes
                damaged[position] ^= 0xFF
                do {
                    _ = try PyTorchFile.read(bytes: damaged)
                } catch {
                    XCTAssertFalse("\(error)".contains("\n"), "\(file) with byte \(position) inverted")
                }
            }
        }
        let zip = try FixtureFiles.bytes(FixtureFiles.fixtures.appendingPathComponent("small_zip.pth"))
        let archive = try ZipArchive(bytes: zip)
        let storage = try XCTUnwrap(archive.entries.first { $0.name.hasSuffix("/data/0") })
        var damaged = zip
        let stored = try archive.contents(of: storage)
        let data = try XCTUnwrap(zip.indices.first { zip[$0...].starts(with: stored) })
        damaged[data] ^= 0xFF
        XCTAssertEqual(thrownError(PyTorchFileError.self) { () throws(PyTorchFileError) in try PyTorchFile.read(bytes: damaged) }, .zip(.checksumMismatch(entry: storage.name)))
    }

    /// PyTorch before 1.0 could save a view of a storage: the persistent id's sixth field
    /// (view key, offset, size) selects part of the root storage, and the tensor indexes that part.
    func testLegacyStorageViewOfOldPyTorch() throws {
        func file(view: (offset: UInt8, size: UInt8)) -> [UInt8] {
            let storageID: [UInt8] = [0x28] + Self.text("storage") + Self.global("torch", "FloatStorage") + Self.text("root")
                + Self.text("cpu") + [0x4B, 0x06] + Self.text("view") + [0x4B, view.offset, 0x4B, view.size, 0x87, 0x74, 0x51]
            let tensor = Self.global("torch._utils", "_rebuild_tensor_v2") + [0x28] + storageID
                + [0x4B, 0x01, 0x4B, 0x02, 0x85, 0x4B, 0x01, 0x85, 0x89]
                + Self.global("collections", "OrderedDict") + [0x29, 0x52, 0x74, 0x52]              // offset 1, (2,), (1,), False, OrderedDict()
            let pickle: [UInt8] = [0x80, 0x02, 0x7D, 0x28] + Self.text("w") + tensor + [0x75, 0x2E]
            let keys: [UInt8] = [0x80, 0x02, 0x5D, 0x28] + Self.text("root") + [0x65, 0x2E]
            let storage = [Float](arrayLiteral: 10, 11, 12, 13, 14, 15).withUnsafeBytes { Array($0) }
            return Self.legacyPreamble + pickle + keys + [6, 0, 0, 0, 0, 0, 0, 0] + storage
        }
        XCTAssertEqual(try PyTorchFile.read(bytes: file(view: (2, 3))).floats("w"), [13, 14])
        let outside = file(view: (4, 3))
        XCTAssertEqual(thrownError(PyTorchFileError.self) { () throws(PyTorchFileError) in try PyTorchFile.read(bytes: outside) },
                       .malformed("the storage view of 'w' is not (key, offset, size) inside its storage"))
    }

    /// A tensor whose offset and strides reach past its storage is refused before anything is copied.
    func testViewPastItsStorageIsRefused() throws {
        func file(offset: UInt8, storageBytes: Data) throws -> [UInt8] {
            let storageID: [UInt8] = [0x28] + Self.text("storage") + Self.global("torch", "FloatStorage") + Self.text("0")
                + Self.text("cpu") + [0x4B, 0x04, 0x74, 0x51]                                    // numel 4, TUPLE, BINPERSID
            let tensor = Self.global("torch._utils", "_rebuild_tensor_v2") + [0x28] + storageID
                + [0x4B, offset, 0x4B, 0x03, 0x85, 0x4B, 0x01, 0x85, 0x89, 0x7D, 0x74, 0x52]  // offset, (3,), (1,), False, {}
            let pickle: [UInt8] = [0x80, 0x02, 0x7D, 0x28] + Self.text("w") + tensor + [0x75, 0x2E]
            return [UInt8](try ZipWriter.stored([("a/data.pkl", Data(pickle)), ("a/data/0", storageBytes)]))
        }
        let four = [Float](arrayLiteral: 1, 2, 3, 4).withUnsafeBytes { Data($0) }
        XCTAssertEqual(try PyTorchFile.read(bytes: file(offset: 1, storageBytes: four)).floats("w"), [2, 3, 4])
        let pastTheEnd = try file(offset: 2, storageBytes: four), tooLong = try file(offset: 1, storageBytes: four + four)
        XCTAssertEqual(thrownError(PyTorchFileError.self) { () throws(PyTorchFileError) in try PyTorchFile.read(bytes: pastTheEnd) },
                       .malformed("'w' reaches element 4 of a storage of 4 elements"))
        XCTAssertEqual(thrownError(PyTorchFileError.self) { () throws(PyTorchFileError) in try PyTorchFile.read(bytes: tooLong) },
                       .malformed("the storage '0' of 'w' has 32 bytes, not 4 F32 elements"))
    }
}
