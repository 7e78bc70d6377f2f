import Testing

@testable import ReferralModel
@testable import ReferralPlan

/// The planner reads team members, e-mail addresses and cell edges on
/// UTF-8 bytes for speed; these tests hold those fast paths to what
/// Characters and Unicode's white space answer, on random cells built from
/// the pieces where bytes and Characters could part ways.
@Suite struct ByteFastPathTests {
    /// ASCII, the separators, white space of both kinds, a combining mark
    /// (joins the scalar before it), a prepended mark (joins the one after),
    /// CR LF (one Character), accents, emoji with a joiner.
    static let pieces = [
        "a", "Z", "7", " ", "  ", "\t", ",", ", ", " ,", "@", ".", "-", "+1 555", "\r\n", "\u{0301}", "\u{0600}", "\u{00A0}",
        "\u{3000}", "é", "José", "Zoë", "👩‍💻", "\u{7F}", "\u{01}", "ada@contoso.com", "Ada", "Lovelace",
    ]

    static func randomCell(_ random: inout SplitMix64) -> String {
        (0..<Int.random(in: 0...9, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    /// What the fast paths must equal: Characters all the way.
    static func trimmedByCharacters(_ text: String) -> Substring {
        var start = text.startIndex
        var end = text.endIndex
        while start < end, text[start].isWhitespace { start = text.index(after: start) }
        while end > start, text[text.index(before: end)].isWhitespace { end = text.index(before: end) }
        return text[start..<end]
    }

    @Test func bytesAndCharactersAgreeOnTenThousandRandomCells() {
        var random = SplitMix64(seed: 23)
        for _ in 0..<10_000 {
            let cell = Self.randomCell(&random)
            #expect(cell.trimmingSpaces == Self.trimmedByCharacters(cell), "trim \(cell.debugDescription)")
            #expect(
                ValueKind.teamMemberParts(cell) == cell.split(separator: ",", omittingEmptySubsequences: false).map { String(Self.trimmedByCharacters(String($0))) },
                "split \(cell.debugDescription)")
            #expect(ValueKind.isEmail(cell) == ValueKind.isEmailByCharacters(cell), "e-mail \(cell.debugDescription)")
        }
    }

    @Test func theEdgesWhereBytesAloneWouldBeWrongAreDecidedByCharacters() {
        // A space with a combining mark is one Character, white space by its first scalar: trimmed whole.
        #expect(" \u{0301}Ada".trimmingSpaces == trimmedByCharacters(" \u{0301}Ada"))
        // A comma with a combining mark is not a separator.
        #expect(ValueKind.teamMemberParts("Ada,\u{0301} Lovelace").count == 1)
        #expect(ValueKind.teamMemberParts("Ada, Lovelace, , ada@contoso.com") == ["Ada", "Lovelace", "", "ada@contoso.com"])
        #expect(ValueKind.teamMemberParts("\u{3000}Zoë , Ng,,z@x.io") == ["Zoë", "Ng", "", "z@x.io"])
        #expect("\u{3000}Zoë\u{00A0}".trimmingSpaces == "Zoë")
        #expect(ValueKind.isEmail("ada@contoso.com") && !ValueKind.isEmail("ada@contoso") && !ValueKind.isEmail("a da@contoso.com"))
        #expect(!ValueKind.isEmail("ada@con@toso.com") && !ValueKind.isEmail("@contoso.com") && !ValueKind.isEmail("ada@contoso..com"))
    }

    private func trimmedByCharacters(_ text: String) -> Substring { Self.trimmedByCharacters(text) }
}
