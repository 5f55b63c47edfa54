import WGANTensorBoard
import XCTest

/// CRC-32C, protocol-buffer fields and TFRecord framing against bytes computed by hand.
final class TensorBoardEncodingTests: XCTestCase {
    func testCRC32CKnownVectors() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([]), 0)
        // RFC 3720 (iSCSI), B.4: 32 bytes of zeros, of ones, ascending and descending.
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
        XCTAssertEqual(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }), 0x113F_DB5C)
    }

    /// Slicing by 8 agrees with the bytewise loop at every length and alignment of the tail.
    func testCRC32CAgreesWithBitwiseDefinition() {
        func bitwise(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return ~crc
        }
        var state: UInt32 = 12345
        let bytes = (0..<100).map { _ -> UInt8 in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(state >> 24)
        }
        for length in 0...bytes.count {
            XCTAssertEqual(CRC32C.checksum(Array(bytes.prefix(length))), bitwise(Array(bytes.prefix(length))), "length \(length)")
        }
    }

    func testMask() {
        XCTAssertEqual(CRC32C.masked(0), 0xA282_EAD8)
        // ((0xE3069283 >> 15) | (0xE3069283 << 17)) + 0xa282ead8, modulo 2^32, by hand.
        XCTAssertEqual(CRC32C.masked(0xE306_9283), 0xC78A_B0E5)
        XCTAssertEqual(CRC32C.maskedChecksum(Array("123456789".utf8)), 0xC78A_B0E5)
    }

    func testVarints() {
        func varint(_ value: UInt64) -> [UInt8] {
            var writer = ProtobufWriter()
            writer.appendVarint(value)
            return writer.bytes
        }
        XCTAssertEqual(varint(0), [0x00])
        XCTAssertEqual(varint(1), [0x01])
        XCTAssertEqual(varint(127), [0x7F])
        XCTAssertEqual(varint(128), [0x80, 0x01])
        XCTAssertEqual(varint(300), [0xAC, 0x02])
        XCTAssertEqual(varint(16_384), [0x80, 0x80, 0x01])
        XCTAssertEqual(varint(UInt64.max), [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    func testFields() {
        var writer = ProtobufWriter()
        writer.appendInt64(2, 3)                  // tag (2 << 3 | 0) = 0x10
        writer.appendInt64(2, -1)                 // ten bytes of two's complement
        writer.appendDouble(1, 1.5)               // tag 0x09, then 0x3FF8000000000000 little-endian
        writer.appendFloat(2, 0.5)                // tag 0x15, then 0x3F000000 little-endian
        writer.appendString(1, "ab")              // tag 0x0A, length 2
        writer.appendPackedDoubles(6, [1, -2])    // tag 0x32, length 16
        writer.appendPackedDoubles(7, [])         // left out
        writer.appendMessage(5) { $0.appendInt64(1, 1) }  // tag 0x2A, length 2, then 08 01
        XCTAssertEqual(writer.bytes, [0x10, 0x03,
                                      0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01,
                                      0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F,
                                      0x15, 0, 0, 0, 0x3F,
                                      0x0A, 0x02, 0x61, 0x62,
                                      0x32, 0x10, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0x00, 0xC0,
                                      0x2A, 0x02, 0x08, 0x01])
        var reader = ProtobufReader(writer.bytes)
        XCTAssertEqual(try reader.fields(), [.varint(2, 3), .varint(2, UInt64.max), .fixed64(1, 0x3FF8_0000_0000_0000),
                                             .fixed32(2, 0x3F00_0000), .bytes(1, [0x61, 0x62]),
                                             .bytes(6, [0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0x00, 0xC0]),
                                             .bytes(5, [0x08, 0x01])])
    }

    func testEventEncodings() throws {
        let version = TensorBoardEvent(wallTime: 1.5, step: 0, content: .fileVersion("brain.Event:2"))
        XCTAssertEqual(version.encoded(), [0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x1A, 0x0D] + Array("brain.Event:2".utf8))

        // Event { step: 3, summary { value { tag: "a", simple_value: 1 } } }.
        let scalar = TensorBoardEvent(wallTime: 0, step: 3, content: .summary([.scalar("a", 1)]))
        XCTAssertEqual(scalar.encoded(), [0x10, 0x03, 0x2A, 0x0A, 0x0A, 0x08, 0x0A, 0x01, 0x61, 0x15, 0x00, 0x00, 0x80, 0x3F])

        // Event { step: 4, session_log { status: START } }.
        let start = TensorBoardEvent(wallTime: 0, step: 4, content: .sessionStart)
        XCTAssertEqual(start.encoded(), [0x10, 0x04, 0x3A, 0x02, 0x08, 0x01])  // field 7: (7 << 3) | 2 = 0x3A

        // Image { height: 2, width: 3, colorspace: 1, encoded_image_string: "P" } under tag "i".
        let image = TensorBoardEvent(wallTime: 0, step: 0, content: .summary([
            SummaryValue(tag: "i", content: .image(ImageSummary(height: 2, width: 3, colorspace: 1, png: [0x50]))),
        ]))
        XCTAssertEqual(image.encoded(), [0x2A, 0x10, 0x0A, 0x0E, 0x0A, 0x01, 0x69, 0x22, 0x09, 0x08, 0x02, 0x10, 0x03, 0x18, 0x01, 0x22, 0x01, 0x50])

        for event in [version, scalar, start, image] { XCTAssertEqual(try TensorBoardEvent(decoding: event.encoded()), event) }
    }

    func testHistogramBuckets() throws {
        let histogram = HistogramSummary(values: [-1, 0, 0.5, 1, 2, .nan], buckets: 3)
        XCTAssertEqual(histogram.min, -1)
        XCTAssertEqual(histogram.max, 2)
        XCTAssertEqual(histogram.count, 5)
        XCTAssertEqual(histogram.sum, 2.5)
        XCTAssertEqual(histogram.sumOfSquares, 6.25)
        XCTAssertEqual(histogram.bucketLimits, [0, 1, 2])
        XCTAssertEqual(histogram.bucketCounts, [1, 2, 2])  // [-1, 0), [0, 1), [1, 2]
        let constant = HistogramSummary(values: [0.25, 0.25], buckets: 30)
        XCTAssertEqual(constant.bucketLimits, [0.25])
        XCTAssertEqual(constant.bucketCounts, [2])
        XCTAssertEqual(HistogramSummary(values: []).bucketCounts, [])
        let event = TensorBoardEvent(wallTime: 2, step: 1, content: .summary([SummaryValue(tag: "h", content: .histogram(histogram))]))
        XCTAssertEqual(try TensorBoardEvent(decoding: event.encoded()), event)
    }

    func testPNGHeader() throws {
        let image = try ImageSummary(png: TensorBoardFixture.png)
        XCTAssertEqual([image.width, image.height, image.colorspace], [2, 2, 1])
        XCTAssertThrowsError(try ImageSummary(png: Array("not a png at all, but long enough to try".utf8)))
    }

    func testRecordFraming() throws {
        let data = Array("123456789".utf8)
        let record = TFRecord.frame(data)
        let length: [UInt8] = [9, 0, 0, 0, 0, 0, 0, 0]
        let lengthCRC = CRC32C.maskedChecksum(length)
        XCTAssertEqual(record, length + withUnsafeBytes(of: lengthCRC.littleEndian, Array.init) + data + [0xE5, 0xB0, 0x8A, 0xC7])
        // An empty record: the masked CRC of no bytes is the mask's constant.
        XCTAssertEqual(Array(TFRecord.frame([]).suffix(4)), [0xD8, 0xEA, 0x82, 0xA2])
        XCTAssertEqual(try TFRecord.records(in: record + TFRecord.frame([]) + TFRecord.frame([1, 2])), [data, [], [1, 2]])
    }

    func testDamagedRecordsAreRefused() {
        let record = TFRecord.frame(Array("123456789".utf8))
        for (index, message) in [(0, "length's CRC"), (12, "data's CRC"), (record.count - 1, "data's CRC")] {
            var damaged = record
            damaged[index] ^= 0x01
            XCTAssertThrowsError(try TFRecord.records(in: damaged)) { XCTAssertTrue("\($0)".contains(message), "\($0)") }
        }
        XCTAssertThrowsError(try TFRecord.records(in: Array(record.dropLast()))) { XCTAssertTrue("\($0)".contains("cut short"), "\($0)") }
        XCTAssertThrowsError(try TFRecord.records(in: Array(record.prefix(10))))
        // A whole header whose length is checked, then less than the data's CRC.
        XCTAssertThrowsError(try TFRecord.records(in: Array(TFRecord.frame([]).prefix(14)))) { XCTAssertTrue("\($0)".contains("cut short")) }
    }
}
