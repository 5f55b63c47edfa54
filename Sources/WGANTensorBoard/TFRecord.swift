/// TFRecord framing, the container of TensorBoard's event files: each record is
///
///     uint64 length (little-endian) · uint32 masked CRC-32C of those 8 bytes ·
///     the data · uint32 masked CRC-32C of the data
///
/// (`tensorflow/core/lib/io/record_writer.cc`; the mask is `CRC32C.masked`).
public enum TFRecord {
    /// Bytes a record adds around its data.
    public static let overhead = 16

    /// `data` framed as one record.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        var record: [UInt8] = []
        record.reserveCapacity(data.count + overhead)
        let length = littleEndian(UInt64(data.count))
        record += length
        record += littleEndian(CRC32C.maskedChecksum(length))
        record += data
        record += littleEndian(CRC32C.maskedChecksum(data))
        return record
    }

    /// The data of every record in `bytes`, each length and payload checked against its CRC.
    ///
    /// - Throws: `ProtobufError` naming the record (from 0) that is cut short or fails its check.
    public static func records(in bytes: [UInt8]) throws(ProtobufError) -> [[UInt8]] {
        var records: [[UInt8]] = []
        var position = 0
        while position < bytes.count {
            let index = records.count
            guard bytes.count - position >= 12 else { throw ProtobufError("record \(index): its header is cut short") }
            let lengthBytes = Array(bytes[position..<position + 8])
            guard read32(bytes, position + 8) == CRC32C.maskedChecksum(lengthBytes) else {
                throw ProtobufError("record \(index): the length's CRC does not match")
            }
            let length = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let room = bytes.count - position - 16  // for the data, after the header and the data's CRC
            guard room >= 0, length <= UInt64(room) else { throw ProtobufError("record \(index): its data is cut short") }
            let start = position + 12, end = start + Int(length)
            let data = Array(bytes[start..<end])
            guard read32(bytes, end) == CRC32C.maskedChecksum(data) else {
                throw ProtobufError("record \(index): the data's CRC does not match")
            }
            records.append(data)
            position = end + 4
        }
        return records
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    private static func read32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << UInt32(8 * $1) }
    }
}
