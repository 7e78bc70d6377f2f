import Foundation
import ReferralModel
import ReferralPlan
import Testing

@testable import ReferralSandbox

@Suite struct FilterGrammarTests {
    private func path(_ text: String) -> FilterPath { FilterPath(segments: text.split(separator: "/").map(String.init)) }

    @Test func andBindsTighterThanOrAndParenthesesOverrideIt() throws {
        let loose = try FilterGrammar.parse("status eq 'New' or status eq 'Active' and type eq 'Shared'")
        #expect(
            loose
                == .or(
                    .comparison(path("status"), .eq, .string("New")),
                    .and(.comparison(path("status"), .eq, .string("Active")), .comparison(path("type"), .eq, .string("Shared")))))
        let grouped = try FilterGrammar.parse("(status eq 'New' or status eq 'Active') and type eq 'Shared'")
        #expect(
            grouped
                == .and(
                    .or(.comparison(path("status"), .eq, .string("New")), .comparison(path("status"), .eq, .string("Active"))),
                    .comparison(path("type"), .eq, .string("Shared"))))
    }

    @Test func readsEveryLiteralKindAndDoubledQuotes() throws {
        #expect(try FilterGrammar.parse("name eq 'O''Brien''s'") == .comparison(path("name"), .eq, .string("O'Brien's")))
        #expect(try FilterGrammar.parse("name eq ''") == .comparison(path("name"), .eq, .string("")))
        #expect(
            try FilterGrammar.parse("updatedDateTime ge 2026-03-01T00:00:00Z")
                == .comparison(path("updatedDateTime"), .ge, .dateTime(try UTCDateTime.parse("2026-03-01T00:00:00Z"))))
        #expect(
            try FilterGrammar.parse("createdDateTime lt 2026-03-01")
                == .comparison(path("createdDateTime"), .lt, .dateTime(try UTCDateTime.parse("2026-03-01"))))
        #expect(try FilterGrammar.parse("details/dealValue gt -12.5") == .comparison(path("details/dealValue"), .gt, .number(Decimal(string: "-12.5")!)))
        #expect(try FilterGrammar.parse("statusReason eq null") == .comparison(path("statusReason"), .eq, .null))
    }

    @Test func readsTheTeamLambdaWithSpacesInsideItsParentheses() throws {
        let parsed = try FilterGrammar.parse("team/any( t : t/email eq 'x@y.com' )")
        #expect(parsed == .any(collection: path("team"), variable: "t", predicate: .comparison(path("t/email"), .eq, .string("x@y.com"))))
        try FilterProperties.check(parsed)
    }

    /// Malformed and hostile filters: every one is a `FilterError` (a 400), none crashes or hangs.
    @Test(arguments: [
        "", "status", "status eq", "status eq 'Active", "(status eq 'Active'", "status eq 'Active')", "((status eq 'A')",
        "status eq Active", "status equals 'Active'", "status eq 'A' and", "status eq 'A' or or type eq 'B'",
        "contains(name,'x')", "startswith(name, 'Con') eq true", "team/all(t:t/email eq 'x')", "team/any(t:t/email eq 'x'",
        "status eq 'x'; DROP TABLE referrals", "status eq 'x' -- ", "status eq 'x'' or ''1''=''1",
        "status eq 1 eq 1", "/status eq 'x'", "status/ eq 'x'", "status eq 2026-13-45T00:00:00Z", "status\u{0} eq 'x'",
        "stätus eq 'x'", "status eq 'x' and\nfoo eq 'y'", "1 eq 1",
    ])
    func malformedFiltersAreRefusedWithAReason(_ text: String) {
        #expect(throws: FilterError.self) { try FilterGrammar.parse(text) }
    }

    @Test func hugeAndDeeplyNestedFiltersAreRefusedWithoutExhaustingTheStack() {
        let long = String(repeating: "status eq 'a' or ", count: 500) + "status eq 'b'"
        #expect(throws: FilterError.tooLong(length: long.utf8.count, limit: FilterGrammar.maximumLength)) { try FilterGrammar.parse(long) }
        let deep = String(repeating: "(", count: 1000) + "status eq 'a'" + String(repeating: ")", count: 1000)
        #expect(throws: FilterError.tooDeep(limit: FilterGrammar.maximumDepth)) { try FilterGrammar.parse(deep) }
        let deepLambdas = String(repeating: "team/any(t:", count: 100) + "t/email eq 'x'" + String(repeating: ")", count: 100)
        #expect(throws: FilterError.tooDeep(limit: FilterGrammar.maximumDepth)) { try FilterGrammar.parse(deepLambdas) }
        let unbalanced = String(repeating: "(", count: 2000)
        #expect(throws: FilterError.self) { try FilterGrammar.parse(unbalanced) }
        let openString = "name eq '" + String(repeating: "'", count: 1500)
        #expect(throws: (any Error).self) { try FilterGrammar.parse(openString) }
    }

    @Test func refusalsSayWhatIsWrong() {
        #expect(throws: FilterError.badLiteral("Active")) { try FilterGrammar.parse("type eq 'Shared' and (status eq Active)") }
        #expect(throws: FilterError.unsupportedFunction("substringof")) { try FilterGrammar.parse("substringof('x', name)") }
        do {
            _ = try FilterGrammar.parse("status eq 'Active' and")
            Issue.record("an incomplete filter was accepted")
        } catch {
            guard case .malformed(let detail) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(detail.contains("input:1:"))  // the position of the problem
        }
    }

    /// Thousands of seeded random token soups: each is parsed or refused with
    /// a short reason (a hostile filter is never echoed back at length).
    @Test func randomTokenSoupsAreParsedOrRefusedBriefly() {
        let tokens = [
            "(", ")", "'", "''", " ", "  ", "eq", "ne", "ge", "and", "or", "not", "status", "team/any(t:", "t/email", "/",
            "2026-03-01T00:00:00Z", "-12.5", "null", "'Active'", "contains(", ",", "é", "\u{0}", "$", "%27", ":",
        ]
        var random = SplitMix64(seed: 16)
        for _ in 0..<3000 {
            let count = Int(random.next() % 40) + 1
            let text = (0..<count).map { _ in tokens[Int(random.next() % UInt64(tokens.count))] }.joined()
            do {
                let expression = try FilterGrammar.parse(text)
                _ = try? FilterProperties.check(expression)
            } catch {
                #expect(error.description.utf8.count < 600, "\(text)")
            }
        }
        let long = "status eq 'a' and " + String(repeating: "x", count: 2000)
        #expect(throws: FilterError.self) { try FilterGrammar.parse(String(long.prefix(FilterGrammar.maximumLength))) }
        do {
            _ = try FilterGrammar.parse(String(long.prefix(FilterGrammar.maximumLength)))
        } catch {
            #expect(error.description.utf8.count < 600)
        }
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let depth = FilterGrammar.maximumDepth
        let nested = String(repeating: "(", count: depth) + "status eq 'a'" + String(repeating: ")", count: depth)
        #expect(try FilterGrammar.parse(nested) == .comparison(path("status"), .eq, .string("a")))
    }

    @Test func unknownPropertiesAndWrongLiteralKindsAreRefusedByTheCheck() throws {
        #expect(throws: FilterError.unsupportedProperty("password")) { try FilterProperties.check(try FilterGrammar.parse("password eq 'x'")) }
        #expect(throws: FilterError.unsupportedProperty("t/salary")) {
            try FilterProperties.check(try FilterGrammar.parse("team/any(t:t/salary gt 1)"))
        }
        #expect(throws: FilterError.unsupportedProperty("details")) {
            try FilterProperties.check(try FilterGrammar.parse("details/any(d:d/x eq 'y')"))
        }
        #expect(throws: FilterError.self) { try FilterProperties.check(try FilterGrammar.parse("updatedDateTime ge '2026-03-01'")) }
        #expect(throws: FilterError.self) { try FilterProperties.check(try FilterGrammar.parse("status eq 5")) }
        #expect(throws: FilterError.self) { try FilterProperties.check(try FilterGrammar.parse("status eq true")) }
    }

    @Test func evaluatesAgainstTheReferralsJSON() throws {
        let referral: JSONValue = [
            "status": "Active", "statusReason": nil, "updatedDateTime": "2026-03-05T10:00:00Z",
            "customerProfile": ["address": ["country": "DE"]], "details": ["dealValue": .number(Decimal(string: "12919.5")!)],
            "team": [["email": "Jane.Doe@Contoso.com"], ["email": "x@y.com"]],
        ]
        func matches(_ text: String) throws -> Bool { FilterEvaluator.matches(try FilterGrammar.parse(text), referral) }
        #expect(try matches("status eq 'active' and customerProfile/address/country eq 'DE'"))
        #expect(try !matches("status ne 'Active'"))
        #expect(try matches("updatedDateTime ge 2026-03-01T00:00:00Z and updatedDateTime lt 2026-03-06"))
        #expect(try !matches("updatedDateTime gt 2026-03-05T10:00:00Z"))
        #expect(try matches("details/dealValue ge 12919.5 and details/dealValue le 12919.50"))
        #expect(try matches("team/any(t:t/email eq 'jane.doe@contoso.com')"))
        #expect(try !matches("team/any(t:t/email eq 'nobody@contoso.com')"))
        #expect(try matches("statusReason eq null and substatus eq null"))
        #expect(try matches("substatus ne 'Accepted'"))
        #expect(try !matches("substatus gt 'A'"))
    }
}
