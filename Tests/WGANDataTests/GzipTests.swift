import Foundation
import XCTest
@testable import WGANData

final class GzipTests: XCTestCase {
    /// 200 kB of varied bytes, so deflate makes several blocks and the output buffer must grow.
    private let sample: [UInt8] = (0..<200_000).map { UInt8(truncatingIfNeeded: ($0 * 7919) ^ ($0 >> 5)) }

    /// `bytes` gzipped by the system's `gzip`.
    private func gzipped(_ bytes: [UInt8]) throws -> (bytes: [UInt8], path: String) {
        let file = try makeTemporaryDirectory().appendingPathComponent("sample")
        try Data(bytes).write(to: file)
        try gzipFile(file)
        let gz = file.appendingPathExtension("gz")
        return ([UInt8](try Data(contentsOf: gz)), gz.path)
    }

    func testRoundTripThroughSystemGzip() throws {
        let (compressed, path) = try gzipped(sample)
        XCTAssertTrue(Gzip.isGzip(compressed))
        XCTAssertLessThan(compressed.count, sample.count)
        XCTAssertEqual(try Gzip.decompress(compressed, path: path), sample)
        XCTAssertEqual(try Gzip.contents(compressed, path: path), sample)
    }

    func testInflatingStopsAtTheLimit() throws {
        let (compressed, path) = try gzipped(sample)
        XCTAssertEqual(try Gzip.decompress(compressed, path: path, limit: sample.count), sample)
        assertThrows(.decompressesBeyond(path: path, limit: sample.count - 1)) {
            try Gzip.decompress(compressed, path: path, limit: sample.count - 1)
        }
        XCTAssertEqual(try Gzip.decompressedPrefix(compressed, count: 16, path: path), Array(sample.prefix(16)))
    }

    func testEmptyFileRoundTrips() throws {
        let (compressed, path) = try gzipped([])
        XCTAssertEqual(try Gzip.decompress(compressed, path: path), [])
    }

    func testConcatenatedMembersAndZeroPaddingDecompressLikeGzip() throws {
        let (first, path) = try gzipped(Array("hello, ".utf8))
        let (second, _) = try gzipped(Array("world".utf8))
        let joined = first + second + [0, 0, 0, 0]
        XCTAssertEqual(try Gzip.decompress(joined, path: path), Array("hello, world".utf8))
    }

    func testPlainBytesPassThrough() throws {
        let plain: [UInt8] = [0x00, 0x00, 0x08, 0x01, 1, 2, 3]
        XCTAssertFalse(Gzip.isGzip(plain))
        XCTAssertEqual(try Gzip.contents(plain, path: "plain"), plain)
        XCTAssertEqual(try Gzip.contents([], path: "empty"), [])
    }

    func testTruncatedStreamIsAnError() throws {
        let (compressed, path) = try gzipped(sample)
        // Cut inside the deflate data, inside the trailer, and right after the magic number.
        for length in [compressed.count / 2, compressed.count - 3, 2, 1] {
            assertThrows(.truncatedGzip(path: path)) {
                try Gzip.decompress(Array(compressed.prefix(length)), path: path)
            }
        }
        XCTAssertEqual(DataError.truncatedGzip(path: path).description, "\(path): truncated gzip stream")
    }

    func testCorruptStreamIsAnError() throws {
        let (compressed, path) = try gzipped(sample)
        var badMethod = compressed
        badMethod[2] = 0 // compression method must be 8 (deflate)
        assertThrows(.corruptGzip(path: path, detail: "unknown compression method")) {
            try Gzip.decompress(badMethod, path: path)
        }
        var badCRC = compressed
        badCRC[badCRC.count - 8] ^= 0xff
        assertThrows(.corruptGzip(path: path, detail: "incorrect data check")) {
            try Gzip.decompress(badCRC, path: path)
        }
        var badLength = compressed
        badLength[badLength.count - 1] ^= 0x01
        assertThrows(.corruptGzip(path: path, detail: "incorrect length check")) {
            try Gzip.decompress(badLength, path: path)
        }
        assertThrows(where: { if case .corruptGzip = $0 { true } else { false } }) {
            try Gzip.decompress(compressed + [1, 2, 3], path: path)
        }
        XCTAssertEqual(DataError.corruptGzip(path: "f.gz", detail: "incorrect data check").description,
                       "f.gz: corrupt gzip data (incorrect data check)")
    }

    func testScrambledBlocksNeverCrash() throws {
        let (compressed, path) = try gzipped(sample)
        var generator = SplitMix64(seed: 7)
        for _ in 0..<50 {
            var damaged = compressed
            for _ in 0..<4 {
                let at = 10 + Int(generator.next() % UInt64(damaged.count - 10))
                damaged[at] = UInt8(truncatingIfNeeded: generator.next())
            }
            do {
                let output = try Gzip.decompress(damaged, path: path)
                XCTAssertEqual(output, sample, "damaged data decoded to something else without an error")
            } catch {
                // decompress throws only DataError.
                switch error {
                case .corruptGzip, .truncatedGzip: break
                default: XCTFail("unexpected error \(error)")
                }
            }
        }
    }
}

/// A tiny deterministic generator for the damage test.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
