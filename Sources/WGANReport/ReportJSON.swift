import Foundation
import WGANFiles

/// How a report reads the `config.json` and `log.jsonl` of any run, old ones and ones with keys added
/// after this code was written: through WGANFiles' `JSONValue`, without a fixed schema, by key.
extension JSONValue {
    /// The value in `bytes`, or nil when they are not JSON.
    static func parse(_ bytes: some Collection<UInt8>) -> JSONValue? {
        try? JSONParser.parse(Array(bytes))
    }

    /// A number; the trainer writes non-finite floats as the strings "nan", "inf" and "-inf".
    var number: Double? {
        switch self {
        case .string("nan"): .nan
        case .string("inf"): .infinity
        case .string("-inf"): -.infinity
        default: double
        }
    }

    /// The value as a person reads it in a table: numbers without a needless ".0", objects as
    /// compact JSON.
    var displayText: String {
        switch self {
        case .integer, .otherNumber: Self.format(double ?? .nan)
        case .bool(let value): value ? "true" : "false"
        case .string(let value): value
        case .null: "—"
        case .array(let values): "[" + values.map(\.displayText).joined(separator: ", ") + "]"
        case .object:
            "{" + (dictionary ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.displayText)" }.joined(separator: ", ") + "}"
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
