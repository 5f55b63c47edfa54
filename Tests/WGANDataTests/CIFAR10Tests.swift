import Foundation
import XCTest
@testable import WGANData

/// Writes tiny CIFAR-10 files of both versions, byte by byte as the official ones are laid out.
enum CIFARBuilder {
    /// Binary version: records of a label byte and 3,072 pixel bytes.
    static func binary(pixels: [UInt8], labels: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        for (i, label) in labels.enumerated() { out += [label] + pixels[i * 3072..<(i + 1) * 3072] }
        return out
    }

    private static func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// Python 2's cPickle protocol 2, as the official files are: `str` keys as SHORT_BINSTRING,
    /// the pixels as one BINSTRING, numpy under `numpy.core.multiarray`.
    static func python2Pickle(pixels: [UInt8], labels: [Int]) -> [UInt8] {
        func str(_ s: [UInt8]) -> [UInt8] { s.count < 256 ? [0x55, UInt8(s.count)] + s : [0x54] + le32(s.count) + s }
        func global(_ m: String, _ n: String) -> [UInt8] { [0x63] + Array("\(m)\n\(n)\n".utf8) }
        var out: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x01, 0x28]                      // PROTO 2, {}, BINPUT, MARK
        out += str(Array("data".utf8))
        out += global("numpy.core.multiarray", "_reconstruct") + global("numpy", "ndarray")
        out += [0x4B, 0x00, 0x85] + str(Array("b".utf8)) + [0x87, 0x52]                 // (ndarray, (0,), 'b') REDUCE
        out += [0x28, 0x4B, 0x01, 0x4D] + [UInt8(labels.count & 0xff), UInt8(labels.count >> 8)] + [0x4D, 0x00, 0x0C, 0x86]
        out += global("numpy", "dtype") + str(Array("u1".utf8)) + [0x4B, 0x00, 0x4B, 0x01, 0x87, 0x52]
        out += [0x28, 0x4B, 0x03, 0x55, 0x01, 0x7C, 0x4E, 0x4E, 0x4E, 0x4A] + le32(-1) + [0x4A] + le32(-1) + [0x4B, 0x00, 0x74, 0x62]
        out += [0x89] + str(pixels) + [0x74, 0x62]                                     // False, raw; TUPLE; BUILD
        out += str(Array("labels".utf8)) + [0x5D, 0x71, 0x02, 0x28]
        for label in labels { out += [0x4B, UInt8(label)] }
        out += [0x65]                                                                  // APPENDS
        out += str(Array("batch_label".utf8)) + str(Array("training batch 1 of 5".utf8))
        return out + [0x75, 0x2E]                                                      // SETITEMS, STOP
    }

    /// Python 3's protocol 2 (`pickle.dumps(d, protocol=2)` of a dict with bytes keys): bytes as
    /// `_codecs.encode(text, 'latin1')`, memo references, `numpy._core`.
    static func python3Pickle(pixels: [UInt8], labels: [Int]) -> [UInt8] {
        func unicode(_ scalars: [UInt8]) -> [UInt8] {
            let utf8 = Array(String(String.UnicodeScalarView(scalars.map { Unicode.Scalar($0) })).utf8)
            return [0x58] + le32(utf8.count) + utf8
        }
        let encode: [UInt8] = [0x63] + Array("_codecs\nencode\n".utf8) + [0x71, 0x01]
        func bytes(_ b: [UInt8], first: Bool = false) -> [UInt8] {
            (first ? encode : [0x68, 0x01]) + unicode(b) + (first ? unicode(Array("latin1".utf8)) + [0x71, 0x03] : [0x68, 0x03]) + [0x86, 0x52]
        }
        var out: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x00, 0x28]
        out += bytes(Array("labels".utf8), first: true) + [0x5D, 0x28]
        for label in labels { out += [0x4D, UInt8(label), 0x00] }                     // BININT2, as for large ints
        out += [0x65]
        out += bytes(Array("data".utf8))
        out += [0x63] + Array("numpy._core.multiarray\n_reconstruct\n".utf8) + [0x63] + Array("numpy\nndarray\n".utf8)
        out += [0x4B, 0x00, 0x85] + bytes(Array("b".utf8)) + [0x87, 0x52]
        out += [0x28, 0x4B, 0x01, 0x4B, UInt8(labels.count), 0x4D, 0x00, 0x0C, 0x86]
        out += [0x63] + Array("numpy\ndtype\n".utf8) + unicode(Array("u1".utf8)) + [0x89, 0x88, 0x87, 0x52]
        out += [0x28, 0x4B, 0x03] + unicode(Array("|".utf8)) + [0x4E, 0x4E, 0x4E, 0x4A] + le32(-1) + [0x4A] + le32(-1) + [0x4B, 0x00, 0x74, 0x62]
        out += [0x89] + bytes(pixels) + [0x74, 0x62]
        return out + [0x75, 0x2E]
    }
}

final class CIFAR10Tests: XCTestCase {
    /// Three images whose bytes say where they are: image i, byte j holds (7i + j) mod 256.
    private let pixels: [UInt8] = (0..<3).flatMap { i in (0..<3072).map { UInt8((7 * i + $0) % 256) } }
    private let labels: [UInt8] = [3, 0, 9]

    func testBinaryVersionReadsRecordsAsChannelPlanes() throws {
        let folder = try makeTemporaryDirectory().appendingPathComponent("cifar-10-batches-bin")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(CIFARBuilder.binary(pixels: pixels, labels: labels)).write(to: folder.appendingPathComponent("data_batch_1.bin"))
        try Data(CIFARBuilder.binary(pixels: Array(pixels[..<3072]), labels: [5])).write(to: folder.appendingPathComponent("data_batch_2.bin"))
        try Data(CIFARBuilder.binary(pixels: Array(pixels[3072...]), labels: [1, 2])).write(to: folder.appendingPathComponent("test_batch.bin"))
        let train = try DatasetName.cifar10.load(.train, from: folder.deletingLastPathComponent())
        XCTAssertEqual([train.count, train.channels, train.height, train.width], [4, 3, 32, 32])
        XCTAssertEqual(train.labels, [3, 0, 9, 5])
        XCTAssertEqual(Array(train.pixelBytes[3072 + 1024...3072 + 1026]), [7 + 1024, 7 + 1025, 7 + 1026].map { UInt8($0 % 256) })
        let test = try CIFAR10.load(directory: folder, split: .test)
        XCTAssertEqual(test.labels, [1, 2])
    }

    func testPythonVersionsOfBothPythonsReadTheSameImages() throws {
        for pickle in [CIFARBuilder.python2Pickle(pixels: pixels, labels: labels.map(Int.init)),
                       CIFARBuilder.python3Pickle(pixels: pixels, labels: labels.map(Int.init))] {
            let folder = try makeTemporaryDirectory()
            try Data(pickle).write(to: folder.appendingPathComponent("data_batch_1"))
            let train = try CIFAR10.load(directory: folder, split: .train)
            XCTAssertEqual(train.labels, labels)
            XCTAssertEqual(Array(train.pixelBytes), pixels)
            XCTAssertEqual(train.channels, 3)
        }
    }

    func testMalformedFilesGiveOneLineErrors() throws {
        let folder = try makeTemporaryDirectory()
        let path = folder.appendingPathComponent("data_batch_1.bin")
        try Data(CIFARBuilder.binary(pixels: pixels, labels: labels).dropLast()).write(to: path)
        assertThrows(.malformedFile(path: path.path, detail: "9218 bytes is not a whole number of 3073-byte records")) {
            try CIFAR10.load(directory: folder, split: .train)
        }
        try Data(CIFARBuilder.binary(pixels: pixels, labels: [3, 10, 0])).write(to: path)
        assertThrows(.malformedFile(path: path.path, detail: "image 1 has label 10, not 0–9")) {
            try CIFAR10.load(directory: folder, split: .train)
        }
        let other = try makeTemporaryDirectory()
        let pickle = other.appendingPathComponent("data_batch_1")
        let whole = CIFARBuilder.python2Pickle(pixels: pixels, labels: labels.map(Int.init))
        try Data(whole.prefix(whole.count - 40)).write(to: pickle)
        assertThrows(where: { "\($0)".hasPrefix("\(pickle.path): not a readable pickle (") }) {
            try CIFAR10.load(directory: other, split: .train)
        }
        try Data(CIFARBuilder.python2Pickle(pixels: pixels, labels: [1, 2])).write(to: pickle)
        assertThrows(.malformedFile(path: pickle.path, detail: "'data' holds a different number of bytes than its shape [2, 3072] needs")) {
            try CIFAR10.load(directory: other, split: .train)
        }
        let empty = try makeTemporaryDirectory()
        assertThrows(.fileNotFound(directory: empty.path, name: "data_batch_1.bin (binary version) or data_batch_1 (Python version)")) {
            try CIFAR10.load(directory: empty, split: .train)
        }
    }

    func testMD5MatchesTheRFCTestSuite() {
        XCTAssertEqual(MD5.hex([]), "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(MD5.hex(Array("abc".utf8)), "900150983cd24fb0d6963f7d28e17f72")
        XCTAssertEqual(MD5.hex(Array(String(repeating: "1234567890", count: 8).utf8)), "57edf4a22be3c955ac49da2e2107b67a")
    }

    func testUnpicklerRefusesWhatItDoesNotKnow() {
        XCTAssertThrowsError(try Unpickler.load([0x80, 0x02, 0x69, 0x2E]))       // INST
        XCTAssertThrowsError(try Unpickler.load([0x80, 0x02, 0x4E]))             // no STOP
        XCTAssertEqual(try Unpickler.load([0x80, 0x02, 0x8A, 0x02, 0xFF, 0x7F, 0x2E]), .int(32767))  // LONG1
        XCTAssertEqual(try Unpickler.load([0x8A, 0x01, 0xFF, 0x2E]), .int(-1))
    }
}
