import Foundation

/// MD5 (RFC 1321) of a whole message: only to recognise the official CIFAR-10 files, whose
/// published sums are MD5s (torchvision lists them). Not for anything that needs a secure hash.
enum MD5 {
    private static let shifts: [UInt32] = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                           5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                                           4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                           6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21]
    /// ⌊2³² · |sin(i + 1)|⌋, as the RFC tabulates.
    private static let constants: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64((abs(sin(Double($0 + 1))) * 4_294_967_296).rounded(.down))) }

    /// The digest of `message` as 32 lowercase hex digits.
    static func hex(_ message: [UInt8]) -> String {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
        // The tail: the last partial block, 0x80, zeros, and the length in bits (little-endian).
        let whole = message.count & ~63
        var tail = Array(message[whole...]) + [0x80]
        while tail.count % 64 != 56 { tail.append(0) }
        let bits = UInt64(message.count) &* 8
        tail += (0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) }
        message.withUnsafeBytes { raw in
            for block in stride(from: 0, to: whole, by: 64) { compress(raw.baseAddress! + block, &state) }
        }
        tail.withUnsafeBytes { raw in
            for block in stride(from: 0, to: tail.count, by: 64) { compress(raw.baseAddress! + block, &state) }
        }
        return [state.0, state.1, state.2, state.3].map { word in
            (0..<4).map { i in
                let byte = UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))
                return (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }.joined()
        }.joined()
    }

    private static func compress(_ block: UnsafeRawPointer, _ state: inout (UInt32, UInt32, UInt32, UInt32)) {
        var m = [UInt32](repeating: 0, count: 16)
        for i in 0..<16 { m[i] = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        var (a, b, c, d) = state
        for i in 0..<64 {
            var f: UInt32, g: Int
            switch i {
            case 0..<16: f = (b & c) | (~b & d); g = i
            case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
            case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) % 16
            default: f = c ^ (b | ~d); g = (7 * i) % 16
            }
            f = f &+ a &+ constants[i] &+ m[g]
            a = d
            d = c
            c = b
            b = b &+ (f << shifts[i] | f >> (32 - shifts[i]))
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
