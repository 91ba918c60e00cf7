import Foundation
import FrameGrab

/// A JSON value as the command writes it: objects keep their keys in the order given (the documented
/// order), and numbers that must read exactly (times, fixed decimals) are written as given.
///
/// `text` is the one JSON encoder of the command: every JSON line it prints is a `ReportRecord` rendered by it.
package indirect enum JSONValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    /// A number: whole values without decimals, others with up to six; non-finite values are null.
    case number(Double)
    /// A number already written in decimal (`MediaTime.decimalSeconds`, `%.3f`).
    case decimal(String)
    case null
    case array([JSONValue])
    case object([Field])

    /// One key and its value.
    package struct Field: Sendable, Equatable {
        package let key: String
        package let value: JSONValue
        package init(_ key: String, _ value: JSONValue) { self.key = key; self.value = value }
    }

    /// A string, or null when there is none.
    package static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
    /// A whole number, or null when there is none.
    package static func optional(_ number: Int?) -> JSONValue { number.map(JSONValue.int) ?? .null }

    /// The value on one line, without spaces.
    package var text: String {
        switch self {
        case .string(let text): return JSONValue.quote(text)
        case .int(let value): return String(value)
        case .bool(let value): return String(value)
        case .number(let value): return value.isFinite ? JSONValue.number(value) : "null"
        case .decimal(let text): return text
        case .null: return "null"
        case .array(let values): return "[" + values.map(\.text).joined(separator: ",") + "]"
        case .object(let fields): return "{" + fields.map { JSONValue.quote($0.key) + ":" + $0.value.text }.joined(separator: ",") + "}"
        }
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6f", value).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }

    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
