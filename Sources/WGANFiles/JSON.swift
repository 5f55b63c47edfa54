/// A parsed JSON value, the one type for every JSON file the tool reads.
///
/// It keeps what a strict reader needs and `JSONSerialization` loses: object members in file order with
/// duplicate keys visible, and whether a number was written as an exact integer (a safetensors header's
/// `2` is a valid dimension, `2.0` and `2e0` are not). A tolerant reader (the report's, of any run's
/// `config.json` and `log.jsonl`) uses the accessors below instead, which forget both.
public indirect enum JSONValue: Equatable, Sendable {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    /// A number written without fraction or exponent that fits in `Int`.
    case integer(Int)
    /// Any other number, as written: with a fraction or exponent, or an integer too large for `Int`.
    case otherNumber(String)
    case bool(Bool)
    case null
}

public struct JSONMember: Equatable, Sendable {
    public let key: String
    public let value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// Accessors for a reader that takes any keys and any way of writing a number: they forget member order,
/// repeated keys and how a number was written, which only a strict reader needs.
extension JSONValue {
    /// An object's members by key, a repeated key's last value winning (as in most JSON readers); nil
    /// for anything but an object.
    public var dictionary: [String: JSONValue]? {
        guard case let .object(members) = self else { return nil }
        return Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// A number however it was written (`2`, `2.0`, `2e0`); nil for anything but a number.
    public var double: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .otherNumber(let lexeme): Double(lexeme)
        default: nil
        }
    }

    public var string: String? {
        if case .string(let value) = self { value } else { nil }
    }
}

public struct JSONSyntaxError: Error, Equatable, Sendable {
    public let message: String
    /// Byte offset into the parsed text.
    public let offset: Int
}

/// A strict RFC 8259 parser over UTF-8 bytes.
public struct JSONParser {
    /// Deeper nesting is refused so that a hostile file cannot overflow the stack through recursion.
    public static let maximumDepth = 64

    /// The escapes other than `\u`, by the byte after the backslash.
    private static let singleCharacterEscapes: [UInt8: UInt8] = [
        UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\"), UInt8(ascii: "/"): UInt8(ascii: "/"),
        UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
    ]

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected text after the value") }
        return value
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw failure("unexpected end of text") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseContainer { parser throws(JSONSyntaxError) in try parser.parseObject() }
        case UInt8(ascii: "["): return try parseContainer { parser throws(JSONSyntaxError) in try parser.parseArray() }
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw failure("unexpected character")
        }
    }

    private mutating func parseContainer(
        _ body: (inout JSONParser) throws(JSONSyntaxError) -> JSONValue
    ) throws(JSONSyntaxError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw failure("nested deeper than \(Self.maximumDepth) levels") }
        depth += 1
        defer { depth -= 1 }
        position += 1
        return try body(&self)
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        var members: [JSONMember] = []
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object(members) }
        repeat {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let key = try parseString()
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw failure("expected ':' after a key") }
            members.append(JSONMember(key: key, value: try parseValue()))
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "}")) else { throw failure("expected ',' or '}' in an object") }
        return .object(members)
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        var elements: [JSONValue] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            elements.append(try parseValue())
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "]")) else { throw failure("expected ',' or ']' in an array") }
        return .array(elements)
    }

    /// Parses a string starting at its opening quote.
    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = position
        position += 1
        var utf8: [UInt8] = []
        while true {
            guard position < bytes.count else { throw failure("unterminated string", at: start) }
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = String(validating: utf8, as: UTF8.self) else { throw failure("invalid UTF-8 in a string", at: start) }
                return string
            case UInt8(ascii: "\\"):
                try parseEscape(into: &utf8)
            case 0..<0x20:
                throw failure("unescaped control character in a string", at: position - 1)
            default:
                utf8.append(byte)
            }
        }
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(JSONSyntaxError) {
        guard position < bytes.count else { throw failure("unterminated escape") }
        let escape = bytes[position]
        position += 1
        if let replacement = Self.singleCharacterEscapes[escape] {
            utf8.append(replacement)
            return
        }
        guard escape == UInt8(ascii: "u") else { throw failure("invalid escape", at: position - 1) }
        let unit = try parseHexCodeUnit()
        var scalar = Unicode.Scalar(unit)
        if (0xD800..<0xDC00).contains(unit) {
            // A high surrogate is valid only when a low one follows as another \u escape.
            guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")) else { throw failure("unpaired surrogate in \\u escape") }
            let low = try parseHexCodeUnit()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate in \\u escape") }
            scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
        }
        guard let scalar else { throw failure("unpaired surrogate in \\u escape") }
        UTF8.encode(scalar) { utf8.append($0) }
    }

    private mutating func parseHexCodeUnit() throws(JSONSyntaxError) -> UInt16 {
        // The digit check comes first because `UInt16(_:radix:)` would also accept a sign.
        guard position + 4 <= bytes.count, bytes[position..<position + 4].allSatisfy(\.isHexDigit),
              let unit = UInt16(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
        else { throw failure("expected four hex digits after \\u") }
        position += 4
        return unit
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = position
        _ = consume(UInt8(ascii: "-"))
        if consume(UInt8(ascii: "0")) {
            // JSON forbids leading zeros: "01" is not a number.
        } else {
            guard skipDigits() > 0 else { throw failure("expected a digit", at: position) }
        }
        var isInteger = true
        if consume(UInt8(ascii: ".")) {
            isInteger = false
            guard skipDigits() > 0 else { throw failure("expected a digit after '.'") }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            isInteger = false
            _ = consume(UInt8(ascii: "+")) || consume(UInt8(ascii: "-"))
            guard skipDigits() > 0 else { throw failure("expected a digit in an exponent") }
        }
        let lexeme = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let integer = Int(lexeme) { return .integer(integer) }
        return .otherNumber(lexeme)
    }

    private mutating func parseLiteral(_ word: String, _ value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        let utf8 = Array(word.utf8)
        guard bytes[position...].starts(with: utf8) else { throw failure("unexpected character") }
        position += utf8.count
        return value
    }

    private mutating func skipDigits() -> Int {
        let start = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
        return position - start
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private func failure(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(message: message, offset: offset ?? position)
    }
}

private extension UInt8 {
    var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}

public enum JSONWriting {
    /// `string` as a JSON string literal. Only what JSON requires is escaped; other characters, non-ASCII
    /// included, are written as their UTF-8.
    public static func quoted(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20:
                result += "\\u" + String(repeating: "0", count: scalar.value < 0x10 ? 3 : 2) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
