/// Protocol-buffer wire types (https://protobuf.dev/programming-guides/encoding/): what a field's
/// tag says about the bytes that follow it.
public enum WireType: UInt8, Sendable {
    /// A base-128 varint (int32, int64, uint64, bool, enum).
    case varint = 0
    /// Eight little-endian bytes (double, fixed64).
    case fixed64 = 1
    /// A varint length, then that many bytes (string, bytes, embedded messages, packed repeated fields).
    case lengthDelimited = 2
    /// Four little-endian bytes (float, fixed32).
    case fixed32 = 5
}

/// Hand-written protocol-buffer encoding, enough for TensorBoard's `Event` and `Summary`: fields are
/// appended in the order they are written (the order protoc emits: by field number).
public struct ProtobufWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Appends `value` as a base-128 varint, least significant group first (300 → AC 02).
    public mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Appends a field's tag: its number shifted left by three, or'ed with its wire type.
    public mutating func appendTag(_ field: Int, _ wireType: WireType) {
        appendVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    /// An int64 field (a negative value takes ten bytes, as its two's complement).
    public mutating func appendInt64(_ field: Int, _ value: Int64) {
        appendTag(field, .varint)
        appendVarint(UInt64(bitPattern: value))
    }

    /// A double field: eight little-endian bytes of its IEEE 754 bits.
    public mutating func appendDouble(_ field: Int, _ value: Double) {
        appendTag(field, .fixed64)
        appendLittleEndian(value.bitPattern)
    }

    /// A float field: four little-endian bytes of its IEEE 754 bits.
    public mutating func appendFloat(_ field: Int, _ value: Float) {
        appendTag(field, .fixed32)
        appendLittleEndian(value.bitPattern)
    }

    /// A bytes field (or an embedded message's encoding): its length, then the bytes.
    public mutating func appendBytes(_ field: Int, _ value: [UInt8]) {
        appendTag(field, .lengthDelimited)
        appendVarint(UInt64(value.count))
        bytes += value
    }

    /// A string field, UTF-8.
    public mutating func appendString(_ field: Int, _ value: String) { appendBytes(field, Array(value.utf8)) }

    /// An embedded message: `build` writes its fields, which are then appended length-delimited.
    public mutating func appendMessage(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var message = ProtobufWriter()
        build(&message)
        appendBytes(field, message.bytes)
    }

    /// A packed repeated double field: one length-delimited run of eight-byte values (omitted when empty,
    /// as protoc omits it).
    public mutating func appendPackedDoubles(_ field: Int, _ values: [Double]) {
        guard !values.isEmpty else { return }
        appendTag(field, .lengthDelimited)
        appendVarint(UInt64(values.count * 8))
        for value in values { appendLittleEndian(value.bitPattern) }
    }

    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}

/// Why bytes are not the protocol buffer (or record) they should be.
public struct ProtobufError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Reads protocol-buffer fields one at a time: what the tests and `TensorBoardEvent(decoding:)` need.
public struct ProtobufReader {
    /// One field: its number and its value by wire type (varints and fixed values as their raw bits).
    public enum Field: Equatable {
        case varint(Int, UInt64)
        case fixed64(Int, UInt64)
        case fixed32(Int, UInt32)
        case bytes(Int, [UInt8])

        public var number: Int {
            switch self {
            case .varint(let n, _), .fixed64(let n, _), .fixed32(let n, _), .bytes(let n, _): n
            }
        }
    }

    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next field, or nil at the end of the message.
    public mutating func next() throws(ProtobufError) -> Field? {
        guard position < bytes.count else { return nil }
        let key = try varint()
        let number = Int(key >> 3)
        guard number > 0 else { throw ProtobufError("field number 0 at byte \(position)") }
        switch WireType(rawValue: UInt8(key & 7)) {
        case .varint: return .varint(number, try varint())
        case .fixed64: return .fixed64(number, try littleEndian(8))
        case .fixed32: return .fixed32(number, UInt32(try littleEndian(4)))
        case .lengthDelimited:
            let length = try varint()
            guard length <= UInt64(bytes.count - position) else { throw ProtobufError("field \(number) runs past the end") }
            defer { position += Int(length) }
            return .bytes(number, Array(bytes[position..<position + Int(length)]))
        case nil: throw ProtobufError("unsupported wire type \(key & 7) for field \(number)")
        }
    }

    /// Every remaining field.
    public mutating func fields() throws(ProtobufError) -> [Field] {
        var fields: [Field] = []
        while let field = try next() { fields.append(field) }
        return fields
    }

    private mutating func varint() throws(ProtobufError) -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard position < bytes.count else { throw ProtobufError("a varint runs past the end") }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw ProtobufError("a varint is longer than ten bytes") }
            value |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte < 0x80 { return value }
        }
        throw ProtobufError("a varint is longer than ten bytes")
    }

    private mutating func littleEndian(_ count: Int) throws(ProtobufError) -> UInt64 {
        guard bytes.count - position >= count else { throw ProtobufError("a fixed-size value runs past the end") }
        defer { position += count }
        return (0..<count).reduce(0) { $0 | UInt64(bytes[position + $1]) << UInt64(8 * $1) }
    }
}
