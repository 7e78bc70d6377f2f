import Foundation
import ReferralModel

/// How a cell's text becomes the JSON value a field takes, with the checks
/// the input rules ask for before anything is sent.
package enum ValueKind: Sendable, Hashable {
    /// A decimal (`10000`, `10000.50`; `12.919,50` with `--decimal-separator ,`), sent as a JSON number.
    case decimal
    /// Three letters of ISO 4217, sent upper-case.
    case currency
    /// A date or date-time, sent as `YYYY-MM-DDTHH:MM:SSZ`.
    case dateTime
    case status
    case substatus
    /// Free text, sent as it is (surrounding spaces removed unless `verbatim`).
    case text(verbatim: Bool)
    /// "First, Last, Phone, Email", sent as a team Member object.
    case teamMember
    /// A pointer column's cell: JSON if it parses as JSON, else a string.
    case jsonOrString

    /// The JSON value a cell stands for. Where `acceptsJSON` (long-layout and
    /// pointer columns), the cell may also be JSON (a quoted string, a
    /// number, a member object), checked the same way; a friendly column's
    /// cell is always plain text.
    package func value(of cell: String, acceptsJSON: Bool, conventions: ValueConventions = ValueConventions())
        throws(ValueError) -> JSONValue
    {
        let looksLikeJSON = acceptsJSON && cell.first.map { "\"{[-0123456789tfn".contains($0) } == true
        let json = looksLikeJSON ? try? JSONParser.parse(cell) : nil
        switch (self, json) {
        case (.jsonOrString, let json?): return json
        case (.jsonOrString, nil): return .string(cell)
        case (_, .null?): return .null  // clears the field (how undo.csv restores a null)
        case (.teamMember, .object(let members)?):
            guard case .string(let email)? = members["email"], Self.isEmail(email) else {
                throw .teamMemberWithoutEmail
            }
            return .object(members)
        case (_, .string(let text)?): return try value(ofText: text, conventions: conventions)
        default: return try value(ofText: cell, conventions: conventions)
        }
    }

    private func value(ofText cell: String, conventions: ValueConventions) throws(ValueError) -> JSONValue {
        switch self {
        case .decimal: return .number(try NumberText.parse(cell, conventions: conventions.numbers))
        case .currency: return .string(try Self.parseCurrency(cell))
        case .dateTime:
            return .string(try UTCDateTime.parse(String(cell.trimmingSpaces), dates: conventions.dates).description)
        case .status:
            guard let status = ReferralStatus(name: cell) else {
                throw .unknownStatus
            }
            return .string(status.rawValue)
        case .substatus:
            guard let substatus = ReferralSubstatus(name: cell) else {
                throw .unknownSubstatus
            }
            return .string(substatus.rawValue)
        case .text(let verbatim): return .string(verbatim ? cell : String(cell.trimmingSpaces))
        case .teamMember: return try Self.parseTeamMember(cell)
        case .jsonOrString: return .string(cell)
        }
    }

    static func parseCurrency(_ cell: String) throws(ValueError) -> String {
        let letters = cell.trimmingSpaces.utf8
        guard letters.count == 3, letters.allSatisfy({ (65...90).contains($0 & 0xDF) }) else {
            throw .notACurrency
        }
        // ASCII letters only, so clearing bit 5 is upper-casing.
        let code = String(unsafeUninitializedCapacity: 3) { buffer in
            for (index, letter) in letters.enumerated() { buffer[index] = letter & 0xDF }
            return 3
        }
        guard ISO4217.codes.contains(code) else {
            throw .unknownCurrency(code)
        }
        return code
    }

    /// "First, Last, Phone, Email" (Partner Center's "Team member N" cells).
    static func parseTeamMember(_ cell: String) throws(ValueError) -> JSONValue {
        let parts = teamMemberParts(cell)
        guard parts.count == 4 else { throw .teamMemberParts(parts.count) }
        guard !parts[0].isEmpty, !parts[1].isEmpty else { throw .teamMemberWithoutName }
        guard isEmail(parts[3]) else { throw .notAnEmail(parts[3]) }
        // In key order, room for all four: nothing to compare or move.
        var members: [JSONObject.Element] = []
        members.reserveCapacity(4)
        members.append(("email", .string(parts[3])))
        members.append(("firstName", .string(parts[0])))
        members.append(("lastName", .string(parts[1])))
        if !parts[2].isEmpty { members.append(("phoneNumber", .string(parts[2]))) }
        return .object(JSONObject(inKeyOrder: members))
    }

    /// The cell split at its commas, as Characters split it, each part
    /// trimmed. Written on UTF-8 bytes (splitting by Character was more
    /// than half of `plan`'s time on a file with team members, measured
    /// with callgrind): a comma or ASCII space is a whole Character unless a
    /// non-ASCII scalar (a combining mark) touches it, and only then are
    /// Characters asked.
    static func teamMemberParts(_ cell: String) -> [String] {
        var cell = cell
        let byBytes = cell.withUTF8 { bytes -> [String]? in
            var parts: [String] = []
            parts.reserveCapacity(4)
            var start = 0
            for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: ",") {
                if end < bytes.count, (end + 1 < bytes.count && bytes[end + 1] >= 0x80) || (end > 0 && bytes[end - 1] >= 0x80) {
                    return nil
                }
                var first = start
                var last = end
                while first < last, isASCIIWhitespace(bytes[first]) { first += 1 }
                while last > first, isASCIIWhitespace(bytes[last - 1]) { last -= 1 }
                if first == last || (bytes[first] < 0x80 && bytes[last - 1] < 0x80) {
                    parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[first..<last]), as: UTF8.self))
                } else {
                    // A non-ASCII edge: Unicode white space, or a mark joined to the space before it.
                    parts.append(String(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self).trimmingSpaces))
                }
                start = end + 1
            }
            return parts
        }
        return byBytes ?? cell.split(separator: ",", omittingEmptySubsequences: false).map { String($0.trimmingSpaces) }
    }

    /// Looks like an address: one `@`, something before it, a dotted domain
    /// after it, and no spaces or control characters. An ASCII address (the
    /// common case) is checked on its bytes, where `@`, `.`, white space and
    /// control characters are single bytes that Characters would split alike.
    static func isEmail(_ text: String) -> Bool {
        var text = text
        let byBytes = text.withUTF8 { bytes -> Bool? in
            guard bytes.count <= 254 else { return false }
            var at: Int?
            for (index, byte) in bytes.enumerated() {
                if byte >= 0x80 { return nil }
                // Either way a space or control character refuses it.
                if byte <= 0x20 || byte == 0x7F { return false }
                if byte == UInt8(ascii: "@") {
                    guard at == nil else { return false }
                    at = index
                }
            }
            guard let at, at > 0, at + 1 < bytes.count else { return false }
            let domain = bytes[(at + 1)...]
            let dot = UInt8(ascii: ".")
            guard domain.first != dot, domain.last != dot, domain.contains(dot) else { return false }
            return !zip(domain, domain.dropFirst()).contains { $0 == dot && $1 == dot }
        }
        return byBytes ?? isEmailByCharacters(text)
    }

    /// `isEmail` by Characters and Unicode's white space, for text that is not ASCII.
    static func isEmailByCharacters(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard domain.count >= 2, domain.allSatisfy({ !$0.isEmpty }) else { return false }
        return !text.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }
    }
}
