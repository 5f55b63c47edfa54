import Foundation
import TensorFormats
import XCTest

/// `ZipArchive` and `ZipWriter`: round trips, ZIP64, and archives damaged in each of their fields.
final class ZipTests: XCTestCase {
    private func le(_ value: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }

    func testStoredRoundTrip() throws {
        let entries: [(name: String, bytes: Data)] = [("a.txt", Data("hello".utf8)), ("folder/é.bin", Data([0, 255, 7])), ("empty", Data())]
        let archive = try ZipArchive(bytes: [UInt8](try ZipWriter.stored(entries)))
        XCTAssertEqual(archive.entries.map(\.name), ["a.txt", "folder/é.bin", "empty"])
        for (name, bytes) in entries {
            XCTAssertEqual(try archive.contents(named: name), [UInt8](bytes))
            XCTAssertEqual(archive.entry(named: name)?.method, 0)
        }
        XCTAssertEqual(archive.entries[0].crc32, 0x3610_A686, "CRC-32 of 'hello'")
        XCTAssertEqual(thrownError(ZipError.self) { () throws(ZipError) in try archive.contents(named: "b") }, .missingEntry("b"))
        // An entry of a larger archive handed to a smaller one is refused, not read out of bounds.
        let small = try ZipArchive(bytes: [UInt8](try ZipWriter.stored([("s", Data())])))
        let large = try ZipArchive(bytes: [UInt8](try ZipWriter.stored([("pad", Data(count: 500)), ("x", Data("x".utf8))])))
        let foreign = try XCTUnwrap(large.entry(named: "x"))
        XCTAssertEqual(thrownError(ZipError.self) { () throws(ZipError) in try small.contents(of: foreign) }, .missingEntry("x"))
        XCTAssertEqual(thrownError(ZipError.self) { () throws(ZipError) in try ZipWriter.stored([("a", Data()), ("a", Data())]) }, .cannotEncode("two entries are named 'a'"))
    }

    /// An archive with a ZIP64 end record and locator and a ZIP64 extra field in its central header
    /// (the 32-bit sizes and offset all ones), as writers produce past 4 GiB or when forced.
    func testZip64RecordsAreRead() throws {
        let name = Array("big.bin".utf8), content = Array("zip64 data".utf8)
        let crc = try ZipArchive(bytes: [UInt8](try ZipWriter.stored([("x", Data(content))]))).entries[0].crc32
        let local: [UInt8] = le(0x0403_4B50, 4) + le(45, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(UInt64(crc), 4)
            + le(UInt64(content.count), 4) + le(UInt64(content.count), 4) + le(UInt64(name.count), 2) + le(0, 2) + name + content
        let extra: [UInt8] = le(1, 2) + le(24, 2) + le(UInt64(content.count), 8) + le(UInt64(content.count), 8) + le(0, 8)
        let central: [UInt8] = le(0x0201_4B50, 4) + le(45, 2) + le(45, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(UInt64(crc), 4)
            + le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(UInt64(name.count), 2) + le(UInt64(extra.count), 2) + le(0, 2)
            + le(0, 2) + le(0, 2) + le(0, 4) + le(0xFFFF_FFFF, 4) + name + extra
        let record: [UInt8] = le(0x0606_4B50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4) + le(1, 8) + le(1, 8)
            + le(UInt64(central.count), 8) + le(UInt64(local.count), 8)
        let locator: [UInt8] = le(0x0706_4B50, 4) + le(0, 4) + le(UInt64(local.count + central.count), 8) + le(1, 4)
        let end: [UInt8] = le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(0xFFFF, 2) + le(0xFFFF, 2) + le(0xFFFF_FFFF, 4)
            + le(0xFFFF_FFFF, 4) + le(0, 2)
        let archive = try ZipArchive(bytes: local + central + record + locator + end)
        XCTAssertEqual(archive.entries.map(\.name), ["big.bin"])
        XCTAssertEqual(try archive.contents(named: "big.bin"), content)
    }

    /// Each structure pointing outside the file, or lying about a size, gives its own one-line error.
    func testDamagedArchivesAreRefused() throws {
        let good = [UInt8](try ZipWriter.stored([("a", Data("hello".utf8))]))
        let end = good.count - 22, central = end - 47                    // one central header, name "a"
        func damaged(_ offset: Int, _ bytes: [UInt8]) -> [UInt8] {
            var copy = good
            copy.replaceSubrange(offset..<offset + bytes.count, with: bytes)
            return copy
        }
        func error(_ bytes: [UInt8]) -> ZipError? {
            do {
                let archive = try ZipArchive(bytes: bytes)
                _ = try archive.contents(named: "a")
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(error([]), .notZip)
        XCTAssertEqual(error(Array(good.dropLast())), .notZip)
        XCTAssertEqual(error(damaged(end + 16, le(10_000, 4))), .malformed("the central directory (47 bytes at 10000) runs past the end of the file (105 bytes)"))
        XCTAssertEqual(error(damaged(end + 10, le(2, 2))), .malformed("2 entries cannot fit in a central directory of 47 bytes"))
        XCTAssertEqual(error(damaged(central + 42, le(90, 4))), .malformed("the local header of entry 'a' (byte 90) is missing or cut short"))
        XCTAssertEqual(error(damaged(central + 20, le(1 << 30, 4))), .malformed("the data of entry 'a' (1073741824 bytes at 31) runs past the end of the file"))
        XCTAssertEqual(error(damaged(central + 10, le(12, 2))), .unsupported("entry 'a' uses compression method 12 (stored and deflate are read)"))
        XCTAssertEqual(error(damaged(central + 8, le(1, 2))), .unsupported("entry 'a' is encrypted"))
        XCTAssertEqual(error(damaged(central + 16, le(0, 4))), .checksumMismatch(entry: "a"))
        XCTAssertEqual(error(damaged(central + 30, le(500, 2))), .malformed("the central directory header at byte \(central) runs past the directory"))
        // Deflate claiming a size beyond any ratio deflate can reach, and deflate that is not deflate.
        var deflated = damaged(central + 10, le(8, 2))
        XCTAssertEqual(error(deflated), .corruptData(entry: "a", reason: "invalid stored block lengths"))
        deflated.replaceSubrange(central + 24..<central + 28, with: le(1 << 31, 4))
        XCTAssertEqual(error(deflated), .corruptData(entry: "a", reason: "5 bytes cannot inflate to 2147483648"))
        // Every prefix: a one-line error, never a trap.
        for length in 0..<good.count { XCTAssertFalse("\(error(Array(good[..<length])) ?? .notZip)".contains("\n")) }
    }
}
