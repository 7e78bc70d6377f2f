import Foundation

/// What a bearer token may look like before it goes into an
/// `Authorization` header: one run of visible ASCII characters. A token
/// with a line break, a space or a control character inside (a token file
/// with a second line, a command printing two lines) is refused here, in
/// our words, instead of reaching the HTTP library, whose own error would
/// quote the whole header.
enum BearerToken {
    /// The token in `text` with surrounding whitespace and line breaks
    /// removed. `source` names where it came from, for the refusal.
    static func parse(_ text: String, from source: String) throws(TokenError) -> Secret {
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw .empty(source: source) }
        guard token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .malformed(source: source)
        }
        return Secret(token)
    }
}
