/// An RFC 6901 JSON Pointer: a path of reference tokens into a JSON document.
///
/// Tokens are kept unescaped; `description` escapes `~` as `~0` and `/` as
/// `~1`, so a pointer built from a field name can never address a different
/// field than the one named.
package struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    package enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case missingLeadingSlash(String)
        case invalidEscape(String)

        package var description: String {
            switch self {
            case .missingLeadingSlash(let text): "JSON Pointer \"\(text)\" must start with \"/\""
            case .invalidEscape(let text): "JSON Pointer \"\(text)\" has a \"~\" not followed by 0 or 1"
            }
        }
    }

    package let tokens: [String]
    /// The escaped text, computed once: pointers are made per column and printed per row.
    package let description: String

    package init(tokens: [String]) {
        self.tokens = tokens
        self.description = Self.escapedText(tokens)
    }

    /// The root (`""`: the whole document) or a pointer with an empty
    /// token (`/`, `/details/`): never a field a patch should touch.
    package var isWholeOrUnnamed: Bool { tokens.isEmpty || tokens.contains("") }

    package static func == (lhs: JSONPointer, rhs: JSONPointer) -> Bool { lhs.tokens == rhs.tokens }
    package func hash(into hasher: inout Hasher) { hasher.combine(tokens) }

    package static let root = JSONPointer(tokens: [])

    /// Parses pointer text such as `/details/dealValue` or `/a~1b/~0c`.
    package init(parsing text: String) throws(ParseError) {
        if text.isEmpty { self.init(tokens: []); return }
        guard text.hasPrefix("/") else { throw .missingLeadingSlash(text) }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var iterator = raw.makeIterator()
            while let character = iterator.next() {
                guard character == "~" else { token.append(character); continue }
                switch iterator.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default: throw .invalidEscape(text)
                }
            }
            tokens.append(token)
        }
        self.init(tokens: tokens)
    }

    private static func escapedText(_ tokens: [String]) -> String {
        var text = ""
        for token in tokens {
            text += "/"
            let needsEscape = token.utf8.withContiguousStorageIfAvailable {
                $0.contains { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }
            } ?? true
            guard needsEscape else {
                text += token
                continue
            }
            for character in token {
                switch character {
                case "~": text += "~0"
                case "/": text += "~1"
                default: text.append(character)
                }
            }
        }
        return text
    }

    package var parent: JSONPointer? { tokens.isEmpty ? nil : JSONPointer(tokens: Array(tokens.dropLast())) }

    /// An RFC 6901 array index: digits only, no leading zero (except `0` itself).
    package static func arrayIndex(_ token: String) -> Int? {
        guard let first = token.utf8.first, token.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        if first == 48 && token.utf8.count > 1 { return nil }
        return Int(token)
    }
}
