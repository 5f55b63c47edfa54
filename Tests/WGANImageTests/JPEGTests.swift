import WGANFiles
import XCTest
@testable import WGANImage

final class JPEGTests: TemporaryFolderTestCase {
    func testTruncatedJPEGIsRefusedRatherThanFilledWithGrey() throws {
        let encoded = try JPEGWriter.encode(randomBitmap(width: 64, height: 48, channels: 3, seed: 3), quality: 90)
        let whole = try JPEGReader.decode(encoded)
        XCTAssertEqual([whole.width, whole.height, whole.channels], [64, 48, 3])
        let file = path("cut.jpg")
        try Files.write(Array(encoded.prefix(encoded.count / 2)), to: file)
        expectImageError(try JPEGReader.read(from: file)) { "\($0)" == "\(file): not a readable JPEG: Premature end of JPEG file" }
    }

    func testJPEGHeaderOverTheSharedPixelLimitIsRefused() throws {
        var encoded = try JPEGWriter.encode(randomBitmap(width: 8, height: 8, channels: 3), quality: 90)
        // The baseline frame header (FF C0): length (2 bytes), precision (1), height (2), width (2).
        let frame = try XCTUnwrap(encoded.indices.dropLast().first { encoded[$0] == 0xFF && encoded[$0 + 1] == 0xC0 })
        let tenThousand: [UInt8] = [0x27, 0x10]
        encoded.replaceSubrange(frame + 5..<frame + 9, with: tenThousand + tenThousand)
        expectImageError(try JPEGReader.decode(encoded, source: "huge.jpg")) { error in
            "\(error)" == "huge.jpg: not a readable JPEG: header claims 10000×10000 pixels, more than the limit of 67108864 (8192×8192)"
        }
    }
}
