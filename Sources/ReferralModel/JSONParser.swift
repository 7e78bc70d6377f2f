import Foundation

/// A strict RFC 8259 parser into `JSONValue`.
///
/// Written here rather than borrowed from Foundation because
/// `JSONSerialization` turns numbers into `Double` (losing deal-value digits)
/// and cannot tell `1` from `true` on Linux. Nesting is capped so hostile
/// input cannot exhaust the stack.
package struct JSONParser {
    /// Where the text stops being JSON (`offset`, from 0) and what is wrong there.
    package struct Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        package var offset: Int
        package var problem: Problem
        package var description: String { "invalid JSON at byte \(offset + 1): \(problem)" }
    }

    package enum Problem: Sendable, Equatable, CustomStringConvertible {
        case textAfterValue
        /// What the grammar needed here: a literal, a member name, `:`, a separator.
        case expected(String)
        case nestedTooDeep(limit: Int)
        case unexpectedEnd
        case unexpectedCharacter
        case invalidUTF8
        case unterminatedString
        case controlCharacterInString
        case unterminatedEscape
        case unpairedSurrogate
        case invalidEscape
        case invalidUnicodeEscape
        case invalidNumber
        case numberOutOfRange

        package var description: String {
            switch self {
            case .textAfterValue: "unexpected text after the value"
            case .expected(let what): "expected \(what)"
            case .nestedTooDeep(let limit): "nested deeper than \(limit) levels"
            case .unexpectedEnd: "unexpected end of input"
            case .unexpectedCharacter: "unexpected character"
            case .invalidUTF8: "invalid UTF-8 in a string"
            case .unterminatedString: "unterminated string"
            case .controlCharacterInString: "control character in a string"
            case .unterminatedEscape: "unterminated escape"
            case .unpairedSurrogate: "unpaired surrogate"
            case .invalidEscape: "invalid escape"
            case .invalidUnicodeEscape: "invalid \\u escape"
            case .invalidNumber: "invalid number"
            case .numberOutOfRange: "number out of range"
            }
        }
    }

    package static let maximumDepth = 256

    private let bytes: [UInt8]
    private var position = 0

    package static func parse(_ text: String) throws(Error) -> JSONValue {
        try parse(Array(text.utf8))
    }

    package static func parse(_ data: Data) throws(Error) -> JSONValue {
        try parse([UInt8](data))
    }

    package static func parse(_ bytes: [UInt8]) throws(Error) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error(.textAfterValue) }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func error(_ problem: Problem) -> Error { Error(offset: position, problem: problem) }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func expect(_ literal: String, _ value: JSONValue) throws(Error) -> JSONValue {
        for byte in literal.utf8 {
            guard current == byte else { throw error(.expected(literal)) }
            position += 1
        }
        return value
    }

    private mutating func parseValue(depth: Int) throws(Error) -> JSONValue {
        guard depth < Self.maximumDepth else { throw error(.nestedTooDeep(limit: Self.maximumDepth)) }
        guard let byte = current else { throw error(.unexpectedEnd) }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error(.unexpectedCharacter)
        }
    }

    private mutating func parseObject(depth: Int) throws(Error) -> JSONValue {
        position += 1
        // In the order read: `JSONObject` sorts them once (a member set one by
        // one into a large object out of order would move the others each time).
        var members: [(String, JSONValue)] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") { position += 1; return .object([:]) }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error(.expected("a member name")) }
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error(.expected("':'")) }
            position += 1
            skipWhitespace()
            members.append((key, try parseValue(depth: depth + 1)))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(JSONObject(members))
            default: throw error(.expected("',' or '}'"))
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(Error) -> JSONValue {
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { position += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(elements)
            default: throw error(.expected("',' or ']'"))
            }
        }
    }

    private mutating func parseString() throws(Error) -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flushRun(_ parser: JSONParser, upTo end: Int) throws(Error) {
            guard runStart < end else { return }
            guard let text = String(validating: parser.bytes[runStart..<end], as: UTF8.self) else {
                throw parser.error(.invalidUTF8)
            }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while true {
            guard let byte = current else { throw error(.unterminatedString) }
            switch byte {
            case UInt8(ascii: "\""):
                try flushRun(self, upTo: position)
                position += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flushRun(self, upTo: position)
                position += 1
                scalars.append(try parseEscape())
                runStart = position
            case 0..<0x20:
                throw error(.controlCharacterInString)
            default:
                position += 1
            }
        }
    }

    private mutating func parseEscape() throws(Error) -> Unicode.Scalar {
        guard let byte = current else { throw error(.unterminatedEscape) }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try parseHex4()
            if (0xD800...0xDBFF).contains(high) {
                guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u")
                else { throw error(.unpairedSurrogate) }
                position += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error(.unpairedSurrogate) }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(high) else { throw error(.unpairedSurrogate) }
            return scalar
        default:
            throw error(.invalidEscape)
        }
    }

    private mutating func parseHex4() throws(Error) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = hexDigit(byte) else { throw error(.invalidUnicodeEscape) }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private mutating func parseNumber() throws(Error) -> JSONValue {
        let start = position
        func digits(_ parser: inout JSONParser) -> Int {
            let first = parser.position
            while let byte = parser.current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { parser.position += 1 }
            return parser.position - first
        }
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else if digits(&self) == 0 {
            throw error(.invalidNumber)
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw error(.invalidNumber) }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw error(.invalidNumber) }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let number = DecimalText.parse(text) else { throw Error(offset: start, problem: .numberOutOfRange) }
        return .number(number)
    }
}
