import Foundation
import TensorFormats
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
    /// the pixels as one BINSTRING, numpy under `numpy.core.multiarray`. `rows`, when given, are
    /// the opcode bytes pushing the array's first dimension instead of the number of labels.
    static func python2Pickle(pixels: [UInt8], labels: [Int], rows: [UInt8]? = nil) -> [UInt8] {
        func str(_ s: [UInt8]) -> [UInt8] { s.count < 256 ? [0x55, UInt8(s.count)] + s : [0x54] + le32(s.count) + s }
        func global(_ m: String, _ n: String) -> [UInt8] { [0x63] + Array("\(m)\n\(n)\n".utf8) }
        var out: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x01, 0x28]                      // PROTO 2, {}, BINPUT, MARK
        out += str(Array("data".utf8))
        out += global("numpy.core.multiarray", "_reconstruct") + global("numpy", "ndarray")
        out += [0x4B, 0x00, 0x85] + str(Array("b".utf8)) + [0x87, 0x52]                 // (ndarray, (0,), 'b') REDUCE
        out += [0x28, 0x4B, 0x01] + (rows ?? [0x4D, UInt8(labels.count & 0xff), UInt8(labels.count >> 8)]) + [0x4D, 0x00, 0x0C, 0x86]
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
    }

    /// The message names each version's file once (it used to go through `fileNotFound`, whose
    /// "neither X nor X.gz" repeated the whole "A or B" phrase).
    func testMissingFirstBatchIsNamedOnce() throws {
        let empty = try makeTemporaryDirectory()
        let expected = DataError.versionedFileNotFound(directory: empty.path, binaryName: "data_batch_1.bin", pythonName: "data_batch_1",
                                                       subfolders: ["cifar-10-batches-bin", "cifar-10-batches-py"])
        assertThrows(expected) { try CIFAR10.load(directory: empty, split: .train) }
        XCTAssertEqual(expected.description, "neither data_batch_1.bin (binary version) nor data_batch_1 (Python version) is in "
                       + "\(empty.path) or its cifar-10-batches-bin or cifar-10-batches-py folder")
        assertThrows(where: { "\($0)" == "neither test_batch.bin (binary version) nor test_batch (Python version) is in "
                       + "\(empty.path) or its cifar-10-batches-bin or cifar-10-batches-py folder" }) {
            try CIFAR10.load(directory: empty, split: .test)
        }
    }

    /// A gap in the training batches is refused, naming what is missing and what would have been
    /// dropped, for either version; batches 1 up to some k without a gap still load.
    func testBatchesAfterAMissingOneAreNotDroppedSilently() throws {
        let record = CIFARBuilder.binary(pixels: Array(pixels[..<3072]), labels: [4])
        let folder = try makeTemporaryDirectory()
        for n in [1, 2, 4, 5] { try Data(record).write(to: folder.appendingPathComponent("data_batch_\(n).bin")) }
        let expected = DataError.missingBatches(directory: folder.path, missing: ["data_batch_3.bin"],
                                                later: ["data_batch_4.bin", "data_batch_5.bin"])
        assertThrows(expected) { try CIFAR10.load(directory: folder, split: .train) }
        XCTAssertEqual(expected.description, "\(folder.path) lacks data_batch_3.bin but holds data_batch_4.bin, data_batch_5.bin after it: "
                       + "the training batches are read from the first without a gap, so add the missing ones or remove the later ones")

        try FileManager.default.removeItem(at: folder.appendingPathComponent("data_batch_4.bin"))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("data_batch_2.bin"))
        assertThrows(where: { "\($0)" == "\(folder.path) lacks data_batch_2.bin, data_batch_3.bin, data_batch_4.bin but holds data_batch_5.bin "
                       + "after them: the training batches are read from the first without a gap, so add the missing ones or remove the later ones" }) {
            try CIFAR10.load(directory: folder, split: .train)
        }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("data_batch_5.bin"))
        XCTAssertEqual(try CIFAR10.load(directory: folder, split: .train).labels, [4])

        let python = try makeTemporaryDirectory()
        let pickle = CIFARBuilder.python2Pickle(pixels: Array(pixels[..<3072]), labels: [4])
        for n in [1, 3] { try Data(pickle).write(to: python.appendingPathComponent("data_batch_\(n)")) }
        assertThrows(.missingBatches(directory: python.path, missing: ["data_batch_2"], later: ["data_batch_3"])) {
            try CIFAR10.load(directory: python, split: .train)
        }
    }

    /// A binary-version file of the wrong size is refused from its size: one record more than an
    /// official file's 10,000 (a sparse file of zero labels, which reading would have accepted).
    func testBinaryFileSizeIsCheckedBeforeReading() throws {
        let folder = try makeTemporaryDirectory()
        let path = folder.appendingPathComponent("data_batch_1.bin")
        XCTAssertTrue(FileManager.default.createFile(atPath: path.path, contents: nil))
        let handle = try FileHandle(forWritingTo: path)
        try handle.truncate(atOffset: 10_001 * 3073)
        try handle.close()
        assertThrows(.malformedFile(path: path.path, detail: "30733073 bytes is more than the 10000 records (30730000 bytes) of an official file")) {
            try CIFAR10.load(directory: folder, split: .train)
        }
        let handle2 = try FileHandle(forWritingTo: path)
        try handle2.truncate(atOffset: 3073 + 5)
        try handle2.close()
        assertThrows(.malformedFile(path: path.path, detail: "3078 bytes is not a whole number of 3073-byte records")) {
            try CIFAR10.load(directory: folder, split: .train)
        }
        try Data().write(to: path)
        assertThrows(.malformedFile(path: path.path, detail: "0 bytes is not a whole number of 3073-byte records")) {
            try CIFAR10.load(directory: folder, split: .train)
        }
    }

    /// A folder where a batch file should be is named once in the message, as other read failures are.
    func testFolderInPlaceOfABatchIsAOneLineError() throws {
        for name in ["data_batch_1.bin", "data_batch_1"] {
            let folder = try makeTemporaryDirectory()
            let batch = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: batch, withIntermediateDirectories: true)
            assertThrows(where: { "\($0)" == "cannot read \(batch.path): it is a folder, not a file" }) {
                try CIFAR10.load(directory: folder, split: .train)
            }
        }
    }

    /// A shape whose product wraps around (2^62 × 3072 ≡ 0 mod 2^64) used to pass as needing 0 bytes.
    func testPickledShapeWhoseSizeOverflowsIsRefused() throws {
        let folder = try makeTemporaryDirectory()
        let pickle = folder.appendingPathComponent("data_batch_1")
        let twoToThe62: [UInt8] = [0x8A, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x40]                 // LONG1 2^62
        try Data(CIFARBuilder.python2Pickle(pixels: [], labels: [], rows: twoToThe62)).write(to: pickle)
        assertThrows(.malformedFile(path: pickle.path, detail: "'data' has shape [4611686018427387904, 3072], whose size overflows a 64-bit count")) {
            try CIFAR10.load(directory: folder, split: .train)
        }
    }

    /// 50,000 nested tuples in 50 KB used to build a value whose freeing overflowed the stack
    /// (SIGSEGV); nesting past the limit is refused as it is built, at the first opcode past it.
    func testNestingDeeperThanTheLimitIsRefused() throws {
        let limit = Unpickler.maximumDepth
        XCTAssertEqual(limit, 64)
        func nestedTuples(_ levels: Int) -> [UInt8] { [0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: levels) + [0x2E] }
        assertFailure("nested deeper than 64 levels at byte 67") { try Unpickler.load(nestedTuples(50_000)) }
        assertFailure("nested deeper than 64 levels at byte 67") { try Unpickler.load(nestedTuples(65)) }
        var expected = PickleValue.none
        for _ in 0..<limit { expected = .tuple([expected]) }
        XCTAssertEqual(try Unpickler.load(nestedTuples(limit)), expected)

        // Lists nested by APPEND: an item appended to a deep list keeps it deep.
        let lists = [UInt8](repeating: 0x5D, count: limit) + [UInt8](repeating: 0x61, count: limit - 1)
        XCTAssertNoThrow(try Unpickler.load([0x80, 0x02] + lists + [0x2E]))
        assertFailure("nested deeper than 64 levels at byte \(2 + 2 * limit + 1)") {
            try Unpickler.load([0x80, 0x02] + lists + [0x4E, 0x61, 0x85, 0x2E])                // NONE, APPEND, TUPLE1
        }
        // Through the memo: BINGET brings back a value with the depth it was stored with.
        // (), then 70 × (BINGET 0, TUPLE1, BINPUT 0): the 64th TUPLE1 makes the 65th level.
        let wrapMemo: [UInt8] = [0x68, 0x00, 0x85, 0x71, 0x00]
        let memoNesting: [UInt8] = [0x80, 0x02, 0x29, 0x71, 0x00] + (0..<70).flatMap { _ in wrapMemo } + [0x2E]
        assertFailure("nested deeper than 64 levels at byte \(5 + 5 * 63 + 2)") { try Unpickler.load(memoNesting) }

        let folder = try makeTemporaryDirectory()
        let path = folder.appendingPathComponent("data_batch_1")
        try Data(nestedTuples(50_000)).write(to: path)
        assertThrows(.malformedFile(path: path.path, detail: "not a readable pickle (nested deeper than 64 levels at byte 67)")) {
            try CIFAR10.load(directory: folder, split: .train)
        }
    }

    /// One `APPEND` or `SETITEM` per item used to copy the whole list or dict each time: 80,000
    /// `APPEND`s (160 KB) took 87 s, so a few megabytes held a run for hours. Now they grow in
    /// place; the bound is over ten times the 1.5 s this takes in a debug build on a busy machine.
    func testSingleAppendsAndSetItemsTakeLinearTime() throws {
        let count = 100_000
        let start = Date()
        var appends: [UInt8] = [0x80, 0x02, 0x5D]                                     // PROTO 2, EMPTY_LIST
        for _ in 0..<count { appends += [0x4E, 0x61] }                                 // NONE, APPEND
        let list = try Unpickler.load(appends + [0x2E])
        guard case .list(let items) = list else { return XCTFail("not a list: \(list)") }
        XCTAssertEqual(items.count, count)
        XCTAssertEqual(items.last, PickleValue.none)
        var setItems: [UInt8] = [0x80, 0x02, 0x7D]                                    // PROTO 2, EMPTY_DICT
        for i in 0..<count { setItems += [0x4D, UInt8(i & 0xff), UInt8(i >> 8 & 0xff), 0x88, 0x73] }  // BININT2 i, NEWTRUE, SETITEM
        let dict = try Unpickler.load(setItems + [0x2E])
        guard case .dict(let pairs) = dict else { return XCTFail("not a dict: \(dict)") }
        XCTAssertEqual(pairs.count, count)
        XCTAssertEqual(pairs.last?.0, .int((count - 1) & 0xffff))
        XCTAssertEqual(pairs.last?.1, .bool(true))
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
    }

    /// Asserts that `body` fails to unpickle for exactly `reason`.
    private func assertFailure(_ reason: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> PickleValue) {
        do {
            let value = try body()
            XCTFail("expected \(reason), got \(value)", file: file, line: line)
        } catch let failure as Unpickler.Failure {
            XCTAssertEqual(failure.reason, reason, file: file, line: line)
        } catch {
            XCTFail("expected an Unpickler.Failure, got \(error)", file: file, line: line)
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
