import Foundation
import WGANFiles
import WGANImage
import WGANImageTestSupport
import XCTest
@testable import WGANData

final class ImageFolderTests: XCTestCase {
    private func write(_ bitmap: Bitmap, to url: URL, jpeg: Bool = false) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(jpeg ? JPEGWriter.encode(bitmap, quality: 100) : PNGWriter.encode(bitmap)).write(to: url)
    }

    /// An 8×8 grey checkerboard of 0 and 255: any 2×2 box averages to 127.5.
    private let checkerboard = try! Bitmap(width: 8, height: 8, channels: 1,
                                           pixels: (0..<64).map { ($0 / 8 + $0 % 8) % 2 == 0 ? 0 : 255 })

    /// A folder of an RGB PNG (16×8, pure red), a grey checkerboard, a pure green JPEG in a
    /// subfolder, an RGBA PNG half transparent, a damaged PNG and a text file.
    private func makeFolder() throws -> URL {
        let folder = try makeTemporaryDirectory()
        try write(Bitmap(width: 16, height: 8, channels: 3, pixels: (0..<128).flatMap { _ in [255, 0, 0] as [UInt8] }),
                  to: folder.appendingPathComponent("a-red.png"))
        try write(checkerboard, to: folder.appendingPathComponent("b-checker.png"))
        try write(Bitmap(width: 8, height: 8, channels: 3, pixels: (0..<64).flatMap { _ in [0, 255, 0] as [UInt8] }),
                  to: folder.appendingPathComponent("sub/c-green.JPG"), jpeg: true)
        try write(Bitmap(width: 4, height: 4, channels: 4, pixels: (0..<16).flatMap { _ in [0, 0, 0, 128] as [UInt8] }),
                  to: folder.appendingPathComponent("d-shadow.png"))
        try Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]).write(to: folder.appendingPathComponent("e-broken.png"))
        try Data("not an image".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        return folder
    }

    func testFolderIsDecodedCroppedResizedAndConvertedInPathOrder() throws {
        let folder = try makeFolder()
        XCTAssertEqual(try ImageFolder.files(in: folder), ["a-red.png", "b-checker.png", "d-shadow.png", "e-broken.png", "sub/c-green.JPG"])
        let loaded = try ImageFolder.load(directory: folder, options: ImageFolder.Options(side: 4))
        let images = loaded.dataset
        XCTAssertEqual([images.count, images.channels, images.height, images.width], [4, 3, 4, 4], "colour files make RGB")
        XCTAssertEqual(loaded.skipped.map(\.path), ["e-broken.png"])
        XCTAssertTrue(loaded.skipped[0].reason.hasPrefix("not a readable PNG"), loaded.skipped[0].reason)
        let bytes = Array(images.pixelBytes), plane = 16, image = 48
        XCTAssertEqual(Array(bytes[0..<plane]), [UInt8](repeating: 255, count: 16), "red plane of the cropped red square")
        XCTAssertEqual(Array(bytes[plane..<3 * plane]), [UInt8](repeating: 0, count: 32))
        // The checkerboard shrinks to its mean, not to an aliased pattern, in all three planes.
        XCTAssertEqual(Array(bytes[image..<2 * image]), [UInt8](repeating: 128, count: 48))
        // Black at alpha 128/255 over white: 255·(1 − 128/255) = 127.
        XCTAssertEqual(Array(bytes[2 * image..<3 * image]), [UInt8](repeating: 127, count: 48))
        let green = Array(bytes[3 * image..<4 * image])
        XCTAssertLessThanOrEqual(green[0..<16].max()!, 2, "JPEG of pure green: red near 0")
        XCTAssertGreaterThanOrEqual(green[16..<32].min()!, 253)
    }

    func testGreyFilesMakeGreyImagesAndChannelsCanBeForced() throws {
        let folder = try makeTemporaryDirectory()
        try write(checkerboard, to: folder.appendingPathComponent("one.png"))
        try write(checkerboard, to: folder.appendingPathComponent("two.jpg"), jpeg: true)
        let grey = try ImageFolder.load(directory: folder, options: ImageFolder.Options(side: 2)).dataset
        XCTAssertEqual(grey.channels, 1)
        XCTAssertEqual(Array(grey.pixelBytes.prefix(4)), [128, 128, 128, 128])
        let enlarged = try ImageFolder.load(directory: folder, options: ImageFolder.Options(side: 16, channels: 3)).dataset
        XCTAssertEqual([enlarged.channels, enlarged.height], [3, 16])
        let red = try makeFolder()
        let forcedGrey = try ImageFolder.load(directory: red, options: ImageFolder.Options(side: 4, channels: 1)).dataset
        XCTAssertEqual(forcedGrey.channels, 1)
        XCTAssertEqual(forcedGrey.pixelBytes.first, 76, "red's luma: 0.299 · 255")
    }

    func testStrictStopsAndAnEmptyFolderIsAClearError() throws {
        let folder = try makeFolder()
        var options = ImageFolder.Options(side: 4)
        options.strict = true
        assertThrows(where: { if case .undecodableImage(let path, _) = $0 { return path.hasSuffix("/e-broken.png") }; return false }) {
            try ImageFolder.load(directory: folder, options: options)
        }
        let empty = try makeTemporaryDirectory()
        try Data("x".utf8).write(to: empty.appendingPathComponent("readme.md"))
        assertThrows(.noImages(directory: empty.path, detail: "no .png, .jpg or .jpeg files in it or its subfolders")) {
            try ImageFolder.load(directory: empty, options: ImageFolder.Options(side: 4))
        }
        let broken = try makeTemporaryDirectory()
        try Data([0xFF, 0xD8, 0xFF]).write(to: broken.appendingPathComponent("x.jpg"))
        assertThrows(where: { "\($0)".hasPrefix("no images in \(broken.path): none of its 1 image files could be decoded (x.jpg: not a readable JPEG") }) {
            try ImageFolder.load(directory: broken, options: ImageFolder.Options(side: 4))
        }
    }

    func testABombAndATruncatedJPEGAreSkippedWithTheirReasonOrStopAStrictRun() throws {
        let folder = try makeTemporaryDirectory()
        try write(checkerboard, to: folder.appendingPathComponent("a-good.png"))
        try Data(XCTUnwrap(CraftedPNG.blankOneBit(width: 20000, height: 20000))).write(to: folder.appendingPathComponent("b-bomb.png"))
        let gradient = try Bitmap(width: 32, height: 32, channels: 3, pixels: (0..<3072).map { UInt8($0 % 251) })
        let jpeg = try JPEGWriter.encode(gradient, quality: 90)
        try Data(jpeg.prefix(jpeg.count / 2)).write(to: folder.appendingPathComponent("c-cut.jpg"))
        let loaded = try ImageFolder.load(directory: folder, options: ImageFolder.Options(side: 4))
        XCTAssertEqual(loaded.dataset.count, 1)
        XCTAssertEqual(Array(loaded.dataset.pixelBytes), [UInt8](repeating: 128, count: 16), "only the checkerboard")
        XCTAssertEqual(loaded.skipped.map(\.path), ["b-bomb.png", "c-cut.jpg"])
        XCTAssertEqual(loaded.skipped.map(\.reason),
                       ["not a readable PNG: header claims 20000×20000 pixels, more than the limit of 67108864 (8192×8192)",
                        "not a readable JPEG: Premature end of JPEG file"])
        var strict = ImageFolder.Options(side: 4)
        strict.strict = true
        assertThrows(.undecodableImage(path: folder.appendingPathComponent("b-bomb.png").path,
                                       reason: "not a readable PNG: header claims 20000×20000 pixels, more than the limit of 67108864 (8192×8192)")) {
            try ImageFolder.load(directory: folder, options: strict)
        }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("b-bomb.png"))
        assertThrows(.undecodableImage(path: folder.appendingPathComponent("c-cut.jpg").path,
                                       reason: "not a readable JPEG: Premature end of JPEG file")) {
            try ImageFolder.load(directory: folder, options: strict)
        }
    }

    func testAFileNameThatIsNotUTF8IsRead() throws {
        let folder = try makeTemporaryDirectory()
        try write(checkerboard, to: folder.appendingPathComponent("a.png"))
        // "b-\xFF.png": 0xFF never occurs in UTF-8, so no Swift String names this file exactly.
        let name = Array("b-".utf8) + [0xFF] + Array(".png".utf8)
        let png = try PNGWriter.encode(checkerboard)
        let descriptor = open((Array(folder.path.utf8) + [UInt8(ascii: "/")] + name).map { CChar(bitPattern: $0) } + [0],
                              O_WRONLY | O_CREAT | O_EXCL, 0o644)
        XCTAssertGreaterThanOrEqual(descriptor, 0, "cannot create the file")
        XCTAssertEqual(png.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }, png.count)
        close(descriptor)
        XCTAssertEqual(try ImageFolder.files(in: folder), ["a.png", "b-\u{FFFD}.png"])
        let loaded = try ImageFolder.load(directory: folder, options: ImageFolder.Options(side: 4))
        XCTAssertEqual(loaded.skipped.map(\.path), [])
        XCTAssertEqual(loaded.skipped.map(\.reason), [])
        XCTAssertEqual(loaded.dataset.count, 2)
        XCTAssertEqual(Array(loaded.dataset.pixelBytes), [UInt8](repeating: 128, count: 32), "both checkerboards")
    }

    func testTheCacheIsReusedAndACorruptOneIsRebuilt() throws {
        let folder = try makeFolder()
        var options = ImageFolder.Options(side: 4)
        options.cacheFolder = try makeTemporaryDirectory().appendingPathComponent("image-cache")
        options.cacheThreshold = 1
        let first = try ImageFolder.load(directory: folder, options: options)
        XCTAssertFalse(first.fromCache)
        let file = try XCTUnwrap(first.cacheFile)
        let second = try ImageFolder.load(directory: folder, options: options)
        XCTAssertTrue(second.fromCache)
        XCTAssertEqual(Array(second.dataset.pixelBytes), Array(first.dataset.pixelBytes))
        XCTAssertEqual(second.skipped.map(\.path), ["e-broken.png"])
        // One flipped pixel byte: the checksum fails and the folder is decoded again.
        var bytes = try Files.read(file.path)
        bytes[bytes.count - 40] ^= 1
        try Data(bytes).write(to: file)
        let third = try ImageFolder.load(directory: folder, options: options)
        XCTAssertFalse(third.fromCache)
        XCTAssertEqual(Array(third.dataset.pixelBytes), Array(first.dataset.pixelBytes))
        XCTAssertTrue(try ImageFolder.load(directory: folder, options: options).fromCache, "rewritten whole")
        // Other options are another cache entry.
        options.side = 2
        XCTAssertFalse(try ImageFolder.load(directory: folder, options: options).fromCache)
    }
}
