/// The header of a `.npy` file: a Python dictionary literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (16, 100), }`.
///
/// Only what NumPy writes for a plain array is accepted: exactly these three keys, a string, a boolean
/// and a tuple of non-negative integers. That is a strict subset of Python's literal syntax, parsed here
/// rather than evaluated.
struct NPYHeader: Equatable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    init(descr: String, fortranOrder: Bool, shape: [Int]) {
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    /// Parses the header text that follows the length field (padding and newline included).
    init(parsing text: [UInt8]) throws(NPYError) {
        var scanner = PythonLiteralScanner(text: text)
        let members = try scanner.dictionary()
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw .malformedHeader(reason: "unexpected text after the dictionary") }

        let keys = members.map(\.key)
        guard keys.sorted() == ["descr", "fortran_order", "shape"] else {
            throw .malformedHeader(reason: "keys are \(keys), expected descr, fortran_order and shape once each")
        }
        var descr: String?
        var fortranOrder: Bool?
        var shape: [Int]?
        for (key, value) in members {
            switch (key, value) {
            case let ("descr", .string(text)): descr = text
            case let ("fortran_order", .bool(flag)): fortranOrder = flag
            case let ("shape", .integerTuple(dimensions)): shape = dimensions
            default: throw .malformedHeader(reason: "'\(key)' has a value of the wrong type")
            }
        }
        // The key check above guarantees each variable was assigned exactly once.
        self.init(descr: descr!, fortranOrder: fortranOrder!, shape: shape!)
    }

    /// The dictionary literal exactly as NumPy writes it, without padding.
    var literal: String {
        let dimensions = shape.map(String.init)
        let tuple = dimensions.count == 1 ? "(\(dimensions[0]),)" : "(" + dimensions.joined(separator: ", ") + ")"
        return "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(tuple), }"
    }
}

/// A value in the header dictionary.
private enum PythonLiteral {
    case string(String)
    case bool(Bool)
    case integerTuple([Int])
}

private struct PythonLiteralScanner {
    let text: [UInt8]
    private var position = 0

    init(text: [UInt8]) {
        self.text = text
    }

    var isAtEnd: Bool { position == text.count }

    /// `{key: value, ...}` with an optional trailing comma; keys are strings.
    mutating func dictionary() throws(NPYError) -> [(key: String, value: PythonLiteral)] {
        try expect("{")
        var members: [(key: String, value: PythonLiteral)] = []
        try commaSeparated(until: "}") { scanner throws(NPYError) in
            let key = try scanner.string()
            try scanner.expect(":")
            members.append((key, try scanner.value()))
        }
        return members
    }

    private mutating func value() throws(NPYError) -> PythonLiteral {
        skipWhitespace()
        if consumeWord("True") { return .bool(true) }
        if consumeWord("False") { return .bool(false) }
        if peek() == UInt8(ascii: "(") { return .integerTuple(try integerTuple()) }
        return .string(try string())
    }

    /// `()`, `(5,)`, `(16, 100)`: non-negative integers, comma-separated, trailing comma allowed.
    private mutating func integerTuple() throws(NPYError) -> [Int] {
        try expect("(")
        var integers: [Int] = []
        try commaSeparated(until: ")") { scanner throws(NPYError) in
            integers.append(try scanner.nonNegativeInteger())
        }
        return integers
    }

    private mutating func nonNegativeInteger() throws(NPYError) -> Int {
        skipWhitespace()
        let start = position
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
        let digits = String(decoding: text[start..<position], as: UTF8.self)
        guard !digits.isEmpty else { throw failure("expected a non-negative integer in the shape") }
        guard let integer = Int(digits) else { throw .malformedHeader(reason: "shape dimension \(digits) is too large") }
        return integer
    }

    /// Items up to `close`, separated by commas, with the trailing comma Python allows.
    private mutating func commaSeparated(
        until close: Unicode.Scalar, _ item: (inout PythonLiteralScanner) throws(NPYError) -> Void
    ) throws(NPYError) {
        while !consume(close) {
            try item(&self)
            if !consume(",") {
                try expect(close)
                return
            }
        }
    }

    /// A string in single or double quotes, without escapes (NumPy never writes any in these keys and values).
    private mutating func string() throws(NPYError) -> String {
        skipWhitespace()
        guard let quote = peek(), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
            throw failure("expected a quoted string")
        }
        position += 1
        let start = position
        while let byte = peek(), byte != quote {
            guard byte != UInt8(ascii: "\\") else { throw failure("escapes in strings are not supported") }
            position += 1
        }
        guard !isAtEnd else { throw failure("unterminated string") }
        position += 1
        return String(decoding: text[start..<(position - 1)], as: UTF8.self)
    }

    mutating func skipWhitespace() {
        while let byte = peek(), [0x20, 0x09, 0x0A, 0x0D].contains(byte) { position += 1 }
    }

    private func peek() -> UInt8? {
        isAtEnd ? nil : text[position]
    }

    /// Skips whitespace, then consumes `character` if it comes next.
    private mutating func consume(_ character: Unicode.Scalar) -> Bool {
        skipWhitespace()
        guard peek() == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    private mutating func consumeWord(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard text[position...].starts(with: utf8) else { return false }
        position += utf8.count
        return true
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(NPYError) {
        guard consume(character) else { throw failure("expected '\(character)'") }
    }

    private func failure(_ message: String) -> NPYError {
        .malformedHeader(reason: "\(message) at byte \(position) of the header")
    }
}
