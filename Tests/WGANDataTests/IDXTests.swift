import Foundation
import XCTest
@testable import WGANData

final class IDXTests: XCTestCase {
    func testParsesDimensionsAndElements() throws {
        let bytes = IDXBuilder.bytes(dimensions: [2, 3, 2], payload: Array(1...12))
        let idx = try IDXFile(contents: bytes, rank: 3, path: "x")
        XCTAssertEqual(idx.dimensions, [2, 3, 2])
        XCTAssertEqual(idx.dataOffset, 16)
        XCTAssertEqual(idx.elementCount, 12)
        XCTAssertEqual(Array(idx.elements), Array(1...12))
        XCTAssertEqual(IDXFile.magic(rank: 3), 0x0000_0803)
        XCTAssertEqual(IDXFile.magic(rank: 1), 0x0000_0801)
    }

    func testLargeDimensionsAreBigEndian() throws {
        let bytes = IDXBuilder.bytes(dimensions: [258], payload: [UInt8](repeating: 4, count: 258))
        XCTAssertEqual(Array(bytes[4..<8]), [0, 0, 1, 2])
        XCTAssertEqual(try IDXFile(contents: bytes, rank: 1, path: "x").dimensions, [258])
    }

    func testWrongMagicIsAnError() {
        let labels = IDXBuilder.bytes(dimensions: [3], payload: [1, 2, 3])
        assertThrows(.badMagic(path: "labels", expected: 0x803, found: 0x801)) {
            try IDXFile(contents: labels, rank: 3, path: "labels")
        }
        let floats = IDXBuilder.bytes(dimensions: [1], payload: [0, 0, 0, 0], magic: 0x0000_0D01)
        assertThrows(.badMagic(path: "floats", expected: 0x801, found: 0xD01)) {
            try IDXFile(contents: floats, rank: 1, path: "floats")
        }
        let text = Array("P5\n28 28\n255\n".utf8)
        assertThrows(where: { if case .badMagic(path: "pgm", _, _) = $0 { true } else { false } }) {
            try IDXFile(contents: text, rank: 3, path: "pgm")
        }
        XCTAssertEqual(
            DataError.badMagic(path: "f", expected: 0x803, found: 0x801).description,
            "f: not an unsigned-byte IDX file of the expected rank (magic 0x00000803 expected, found 0x00000801)")
    }

    func testShortHeaderAndBadDimensionsAreErrors() {
        assertThrows(.badHeader(path: "f", detail: "2 bytes, shorter than the magic number")) {
            try IDXFile(contents: [0, 0], rank: 1, path: "f")
        }
        assertThrows(.badHeader(path: "f", detail: "12 bytes, the header needs 16")) {
            try IDXFile(contents: [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1], rank: 3, path: "f")
        }
        assertThrows(.badHeader(path: "f", detail: "dimension 1 is zero")) {
            try IDXFile(contents: IDXBuilder.bytes(dimensions: [1, 0, 1], payload: []), rank: 3, path: "f")
        }
        let huge = IDXBuilder.bytes(dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], payload: [])
        assertThrows(.badHeader(path: "f", detail: "its dimensions [4294967295] make more than the 1073741824 bytes accepted")) {
            try IDXFile(contents: huge, rank: 3, path: "f")
        }
    }

    func testAGzipThatInflatesBeyondItsDeclaredSizeIsRefusedWithoutInflatingIt() throws {
        let folder = try makeTemporaryDirectory()
        let file = folder.appendingPathComponent("train-images-idx3-ubyte")
        // Declares one 2×2 image, then 8 MB of zeros that deflate to a few kilobytes.
        let bomb = IDXBuilder.bytes(dimensions: [1, 2, 2], payload: [UInt8](repeating: 0, count: 8 << 20))
        try Data(bomb).write(to: file)
        try gzipFile(file)
        let gz = file.appendingPathExtension("gz")
        assertThrows(.decompressesBeyond(path: gz.path, limit: 20)) { try IDXFile.read(at: gz, rank: 3, checksums: nil) }
        XCTAssertEqual(DataError.decompressesBeyond(path: "f", limit: 20).description,
                       "f: decompresses to more than the 20 bytes its header declares")
    }

    func testAFolderOrDeviceGivenAsTheFileIsOneSentence() throws {
        let folder = try makeTemporaryDirectory()
        assertThrows(.unreadable(path: folder.path, reason: "it is a folder, not a file")) {
            try IDXFile.read(at: folder, rank: 3, checksums: nil)
        }
        assertThrows(.unreadable(path: "/dev/zero", reason: "it is not a regular file")) {
            try IDXFile.read(at: URL(fileURLWithPath: "/dev/zero"), rank: 3, checksums: nil)
        }
    }

    func testMissingAndExtraDataAreErrors() {
        let short = IDXBuilder.bytes(dimensions: [2, 2, 2], payload: Array(1...7))
        assertThrows(.dataLengthMismatch(path: "f", expected: 8, actual: 7)) {
            try IDXFile(contents: short, rank: 3, path: "f")
        }
        let long = IDXBuilder.bytes(dimensions: [2, 2, 2], payload: Array(1...10))
        assertThrows(.dataLengthMismatch(path: "f", expected: 8, actual: 10)) {
            try IDXFile(contents: long, rank: 3, path: "f")
        }
        XCTAssertEqual(DataError.dataLengthMismatch(path: "f", expected: 8, actual: 7).description,
                       "f: IDX data is 7 bytes, its dimensions need 8 (truncated)")
        XCTAssertEqual(DataError.dataLengthMismatch(path: "f", expected: 8, actual: 10).description,
                       "f: IDX data is 10 bytes, its dimensions need 8 (2 extra bytes)")
    }

    func testChecksumListParsing() throws {
        let digest = String(repeating: "ab", count: 32)
        let sums = try SHA256Sums(text: "\(digest)  a.gz\r\n\n\(digest.uppercased()) *b\n", path: "S")
        XCTAssertEqual(sums.digests, ["a.gz": digest, "b": digest])
        assertThrows(.malformedChecksumLine(path: "S", line: 2)) {
            try SHA256Sums(text: "\(digest)  a\nabc  b\n", path: "S")
        }
        assertThrows(.malformedChecksumLine(path: "S", line: 1)) {
            try SHA256Sums(text: "\(digest)a\n", path: "S")
        }
    }
}
