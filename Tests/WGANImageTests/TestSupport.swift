import Foundation
import XCTest
@testable import WGANImage

/// A fresh folder under the system's temporary folder, removed by `tearDown`.
class TemporaryFolderTestCase: XCTestCase {
    private(set) var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("wgan-image-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func path(_ name: String) -> String { folder + "/" + name }

    func folderContents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }
}

/// Deterministic pseudo-random bytes, so that a failure reproduces.
func testBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
}

func randomBitmap(width: Int, height: Int, channels: Int, seed: UInt64 = 1) throws -> Bitmap {
    try Bitmap(width: width, height: height, channels: channels,
               pixels: testBytes(count: width * height * channels, seed: seed))
}

/// The CRC-32 of PNG chunks, to build deliberately odd but well-formed files.
func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

func expectImageError(_ expression: @autoclosure () throws -> some Any,
                      file: StaticString = #filePath, line: UInt = #line,
                      _ check: (ImageError) -> Bool) {
    XCTAssertThrowsError(try expression(), file: file, line: line) { error in
        guard let imageError = error as? ImageError else {
            return XCTFail("expected an ImageError, got \(error)", file: file, line: line)
        }
        XCTAssertTrue(check(imageError), "unexpected error: \(imageError)", file: file, line: line)
        XCTAssertFalse("\(imageError)".contains("\n"), "error is not one line", file: file, line: line)
    }
}

extension ImageError {
    var isInvalidInput: Bool { if case .invalidInput = self { return true } else { return false } }
    var isFileSystem: Bool { if case .fileSystem = self { return true } else { return false } }
    var isDecodingFailure: Bool { if case .decodingFailed = self { return true } else { return false } }
}
