import Foundation

/// A JSON value read without a fixed schema, so that a report reads the `config.json` and
/// `log.jsonl` of any run: old ones, and ones with keys added after this code was written.
enum JSONValue: Decodable, Equatable {
    case number(Double)
    case bool(Bool)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        // The commonest first (numbers, then objects: every log line is one), as each miss costs
        // a thrown error. Foundation's decoder reads no number from `true`, and the tests check it.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }

    /// The value in `bytes`, or nil when they are not JSON.
    static func parse(_ bytes: some Collection<UInt8>) -> JSONValue? {
        try? decoder.decode(JSONValue.self, from: Data(bytes))
    }

    /// One decoder for every line: making one per line took most of a long log's reading time.
    private static let decoder = JSONDecoder()

    /// A number; the trainer writes non-finite floats as the strings "nan", "inf" and "-inf".
    var number: Double? {
        switch self {
        case .number(let value): value
        case .string("nan"): .nan
        case .string("inf"): .infinity
        case .string("-inf"): -.infinity
        default: nil
        }
    }

    var object: [String: JSONValue]? {
        if case .object(let value) = self { value } else { nil }
    }

    var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The value as a person reads it in a table: numbers without a needless ".0", objects as
    /// compact JSON.
    var displayText: String {
        switch self {
        case .number(let value): Self.format(value)
        case .bool(let value): value ? "true" : "false"
        case .string(let value): value
        case .null: "—"
        case .array(let values): "[" + values.map(\.displayText).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.keys.sorted().map { "\($0): \(members[$0]!.displayText)" }.joined(separator: ", ") + "}"
        }
    }

    /// `64`, `0.0001`, `1e+06`, `-3.25`: integers as integers, others to six significant digits.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }
}
