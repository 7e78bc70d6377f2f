import Foundation

/// Serialises `JSONValue`s compactly or indented, with object keys sorted so
/// that the same document always prints the same bytes (plans and reports
/// can be diffed from one run to the next).
public enum JSONWriter {
    public static func string(_ value: JSONValue, pretty: Bool = false) -> String {
        var output = ""
        write(value, into: &output, pretty: pretty, depth: 0)
        return output
    }

    public static func data(_ value: JSONValue, pretty: Bool = false) -> Data {
        Data(string(value, pretty: pretty).utf8)
    }

    static func write(_ value: JSONValue, into output: inout String, pretty: Bool, depth: Int) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += numberText(number)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            if elements.isEmpty { output += "[]"; return }
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                newline(into: &output, pretty: pretty, depth: depth + 1)
                write(element, into: &output, pretty: pretty, depth: depth + 1)
            }
            newline(into: &output, pretty: pretty, depth: depth)
            output += "]"
        case .object(let members):
            if members.isEmpty { output += "{}"; return }
            output += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                newline(into: &output, pretty: pretty, depth: depth + 1)
                writeString(key, into: &output)
                output += pretty ? ": " : ":"
                write(members[key]!, into: &output, pretty: pretty, depth: depth + 1)
            }
            newline(into: &output, pretty: pretty, depth: depth)
            output += "}"
        }
    }

    /// Plain decimal notation (`10000.5`, never `1e4`): what the API and
    /// spreadsheets both read back unchanged.
    public static func numberText(_ number: Decimal) -> String {
        number.isZero ? "0" : number.description
    }

    private static func newline(into output: inout String, pretty: Bool, depth: Int) {
        guard pretty else { return }
        output += "\n"
        output += String(repeating: "  ", count: depth)
    }

    static func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case let control where control.value < 0x20 || control.value == 0x7F || (0x2028...0x2029).contains(control.value):
                output += "\\u" + String(format: "%04x", control.value)
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text.
    public var description: String { JSONWriter.string(self) }
}
