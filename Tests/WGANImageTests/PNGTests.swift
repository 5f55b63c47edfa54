import Foundation
import WGANFiles
import WGANImageTestSupport
import XCTest
@testable import WGANImage

final class PNGTests: TemporaryFolderTestCase {
    func testFileRoundTripKeepsEveryByteForEachLayout() throws {
        for channels in 1...4 {
            let bitmap = try randomBitmap(width: 13, height: 7, channels: channels, seed: UInt64(channels))
            let file = path("image-\(channels).png")
            try PNGWriter.write(bitmap, to: file)
            XCTAssertEqual(try PNGReader.read(from: file), bitmap, "channels \(channels)")
        }
    }

    func testMemoryRoundTripOfIncompressibleAndUniformImages() throws {
        let noisy = try randomBitmap(width: 300, height: 200, channels: 4, seed: 9)
        let flat = try Bitmap(width: 64, height: 1, channels: 1, pixels: [UInt8](repeating: 7, count: 64))
        for bitmap in [noisy, flat] {
            let encoded = try PNGWriter.encode(bitmap)
            XCTAssertEqual(Array(encoded.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            XCTAssertEqual(try PNGReader.decode(encoded), bitmap)
        }
    }

    func testBitmapRejectsSizesThatDoNotMatch() {
        expectImageError(try Bitmap(width: 2, height: 2, channels: 3, pixels: [0, 0, 0]), \.isInvalidInput)
        expectImageError(try Bitmap(width: 0, height: 2, channels: 1, pixels: []), \.isInvalidInput)
        expectImageError(try Bitmap(width: 1, height: 1, channels: 5, pixels: [0, 0, 0, 0, 0]), \.isInvalidInput)
        expectImageError(try Bitmap(width: Int.max, height: 2, channels: 1, pixels: []), \.isInvalidInput)
    }

    func testWritingIntoAMissingFolderThrowsAndLeavesNothing() throws {
        let bitmap = try randomBitmap(width: 4, height: 4, channels: 3)
        let target = path("missing/grid.png")
        expectImageError(try PNGWriter.write(bitmap, to: target)) { error in
            guard case .fileSystem(let failure) = error else { return false }
            return failure.description == "cannot write \(target): No such file or directory"
        }
        XCTAssertEqual(try folderContents(), [])
    }

    func testOverwriteReplacesTheFileAndLeavesNoTemporaryFile() throws {
        let file = path("grid.png")
        let first = try randomBitmap(width: 5, height: 5, channels: 3, seed: 1)
        let second = try randomBitmap(width: 8, height: 2, channels: 1, seed: 2)
        try PNGWriter.write(first, to: file)
        try PNGWriter.write(second, to: file)
        XCTAssertEqual(try PNGReader.read(from: file), second)
        XCTAssertEqual(try folderContents(), ["grid.png"])
    }

    func testAFolderUnderTheTargetNameIsLeftAsItWas() throws {
        let target = path("taken")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        try Files.write([42], to: target + "/inside")
        expectImageError(try PNGWriter.write(randomBitmap(width: 2, height: 2, channels: 1), to: target)) { error in
            "\(error)" == "\(target) is a folder, not a file"
        }
        XCTAssertEqual(try folderContents(), ["taken"])
        XCTAssertEqual(try Files.read(target + "/inside"), [42])
    }

    func testTruncatedPNGFailsWithAnError() throws {
        let encoded = try PNGWriter.encode(randomBitmap(width: 40, height: 30, channels: 3))
        for length in [0, 4, 8, 20, 40, encoded.count / 2, encoded.count - 13] {
            let file = path("cut-\(length).png")
            try Files.write(Array(encoded.prefix(length)), to: file)
            expectImageError(try PNGReader.read(from: file)) { error in
                guard case .decodingFailed(let source, let reason) = error else { return false }
                return source == file && !reason.isEmpty
            }
        }
    }

    func testCorruptPNGFailsWithAnError() throws {
        var encoded = try PNGWriter.encode(randomBitmap(width: 40, height: 30, channels: 1))
        expectImageError(try PNGReader.decode(Array("not a png at all".utf8)), \.isDecodingFailure)
        let idat = try XCTUnwrap(firstIndex(of: Array("IDAT".utf8), in: encoded))
        encoded[idat + 10] ^= 0xFF
        expectImageError(try PNGReader.decode(encoded), \.isDecodingFailure)
    }

    func testHeaderClaimingAHugeImageIsRefusedBeforeAllocating() throws {
        var encoded = try PNGWriter.encode(randomBitmap(width: 1, height: 1, channels: 1))
        // IHDR's data (width, height, ...) starts at byte 16; its CRC follows 13 bytes later.
        let million: [UInt8] = [0x00, 0x0F, 0x42, 0x40]
        encoded.replaceSubrange(16..<24, with: million + million)
        let crc = crc32(encoded[12..<29])
        encoded.replaceSubrange(29..<33, with: (0..<4).map { UInt8(truncatingIfNeeded: crc >> (24 - 8 * $0)) })
        expectImageError(try PNGReader.decode(encoded)) { error in
            guard case .decodingFailed(_, let reason) = error else { return false }
            return reason.contains("1000000×1000000")
        }
    }

    func testDecompressionBombIsRefusedFromItsHeaderWithTheLimitNamed() throws {
        let bomb = try XCTUnwrap(CraftedPNG.blankOneBit(width: 20000, height: 20000))
        XCTAssertLessThan(bomb.count, 100_000, "400 million pixels in a small file")
        expectImageError(try PNGReader.decode(bomb, source: "bomb.png")) { error in
            "\(error)" == "bomb.png: not a readable PNG: header claims 20000×20000 pixels, more than the limit of 67108864 (8192×8192)"
        }
        let justOver = try XCTUnwrap(CraftedPNG.blankOneBit(width: 8193, height: 8192))
        expectImageError(try PNGReader.decode(justOver)) { "\($0)".hasSuffix("header claims 8193×8192 pixels, more than the limit of 67108864 (8192×8192)") }
        let atTheLimit = try PNGReader.decode(XCTUnwrap(CraftedPNG.blankOneBit(width: 8192, height: 8192)))
        XCTAssertEqual([atTheLimit.width, atTheLimit.height, atTheLimit.channels], [8192, 8192, 1])
        XCTAssertEqual(atTheLimit.pixels.max(), 0, "all black")
    }

    func testReadingAMissingFileIsAFileSystemError() {
        expectImageError(try PNGReader.read(from: path("nothing.png")), \.isFileSystem)
        expectImageError(try PNGReader.read(from: folder), \.isFileSystem)
    }

    /// Cross-checks the pixels with an independent decoder: Debian's Pillow (python3-pil, which
    /// scripts/setup installs) under the system python.
    func testPillowDecodesTheSamePixels() throws {
        let file = path("pillow.png")
        let bitmap = try randomBitmap(width: 9, height: 6, channels: 3, seed: 5)
        try PNGWriter.write(bitmap, to: file)
        let script = "import sys; from PIL import Image; im = Image.open(sys.argv[1]); "
            + "print(im.mode, im.size[0], im.size[1]); print(im.tobytes().hex())"
        let output = try XCTUnwrap(runPython(script, arguments: [file]),
                                   "/usr/bin/python3 with Pillow is missing: run scripts/setup")
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "RGB 9 6")
        XCTAssertEqual(lines.last, bitmap.pixels.map { String(format: "%02x", $0) }.joined())
    }

    private func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        haystack.indices.dropLast(needle.count).first { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    /// The standard output of `/usr/bin/python3 -c script`, or nil when python3 or Pillow is missing.
    private func runPython(_ script: String, arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import PIL"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }

        let run = Process()
        run.executableURL = process.executableURL
        run.arguments = ["-c", script] + arguments
        let pipe = Pipe()
        run.standardOutput = pipe
        guard (try? run.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        run.waitUntilExit()
        XCTAssertEqual(run.terminationStatus, 0, "python3 failed")
        return String(decoding: data, as: UTF8.self)
    }
}
