import Foundation
import ReferralInput
import ReferralModel
import ReferralOutcome
import ReferralPlan
import ReferralReport
import ReferralRun
import Testing

@testable import ReferralSandbox

/// `retry.csv` is the input: every row the API refused comes back with every
/// cell as the input held it, in the input's delimiter and encoding, so that
/// `plan retry.csv` (same options) plans exactly the documents the original
/// rows planned. Hostile rows are generated from a seed; the sandbox holds no
/// referral, so every row is refused (`not_found`, or `invalid_input`).
@Suite struct RetryFileTests {
    struct Variant: CustomTestStringConvertible, Sendable {
        var encoding: TextEncoding
        var byteOrderMark: Bool
        var delimiter: String
        var preamble: String
        var options: ReadingOptions
        var withErrorsColumn: Bool
        var seed: UInt64

        var testDescription: String {
            "\(encoding)\(byteOrderMark ? "+BOM" : "") delimiter \(delimiter.debugDescription) preamble \(!preamble.isEmpty) Errors \(withErrorsColumn)"
        }
    }

    static let variants: [Variant] = [
        Variant(encoding: .utf8, byteOrderMark: false, delimiter: ",", preamble: "", options: ReadingOptions(), withErrorsColumn: false, seed: 1),
        Variant(encoding: .utf8, byteOrderMark: true, delimiter: ";", preamble: "sep=;\r\n", options: ReadingOptions(decimalSeparator: .comma, dateOrder: .dmy), withErrorsColumn: true, seed: 2),
        Variant(encoding: .utf16LittleEndian, byteOrderMark: true, delimiter: "\t", preamble: "", options: ReadingOptions(), withErrorsColumn: false, seed: 3),
        Variant(encoding: .windows1252, byteOrderMark: false, delimiter: ";", preamble: "Q3 corrections;;\n;;\n", options: ReadingOptions(encoding: .windows1252, headerLine: 3, decimalSeparator: .comma, dateOrder: .dmy), withErrorsColumn: false, seed: 4),
        Variant(encoding: .macintosh, byteOrderMark: false, delimiter: ",", preamble: "", options: ReadingOptions(encoding: .macintosh, decimalSeparator: .point), withErrorsColumn: true, seed: 5),
    ]

    /// A CSV cell: quoted when it must be (or at random when it need not).
    static func quoted(_ cell: String, delimiter: String, random: inout SplitMix64) -> String {
        let needs = cell.contains(delimiter) || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")
        guard needs || random.next() % 4 == 0 else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func hostileFile(_ variant: Variant, rows: Int) -> [UInt8] {
        var random = SplitMix64(seed: variant.seed)
        let comma = variant.options.decimalSeparator == .comma
        let amounts = comma ? ["12.919,50", "10000", "0,5", "1.234", "12,919.50"] : ["12919.50", "10000", "0.5", "12.919", "1,234"]
        let dates = comma ? ["31.05.2027", "01/05/2027", "5/1/27", "2027-05-01 00:00:00"] : ["05/31/2027", "01/05/2027", "2027-05-01", "1/5/27"]
        let notes = [
            "plain", "Jürgen sagt \"ja\"; neu", "Straße\nzweite Zeile", "=SUM(A1:A9)", "+49 30 1234", "-minus", "@mention",
            "a, b; c\tt", "Café crème, 5 € Rabatt", "'=already marked", "\r\nleading break", "",
        ]
        let names = ["Contoso", "Fabrikam, Inc.", "Größe GmbH", "\"Quoted\" Ltd", "=cmd|' /C calc'!A0"]
        let d = variant.delimiter
        var header = ["Referral ID", "Deal Name", "Estimated Deal Value", "Estimated Closing Date", "Notes"]
        if variant.withErrorsColumn { header.insert("Errors", at: 2) }
        var text = variant.preamble + header.joined(separator: d) + "\r\n"
        for index in 0..<rows {
            let guid = String(format: "%08x-5717-4562-b3fc-%012x", index + 1, Int(variant.seed) * 1000 + index)
            let shapes = [guid, guid.uppercased(), "{\(guid)}", guid.replacingOccurrences(of: "-", with: ""), " \(guid) "]
            var cells = [
                shapes[Int(random.next() % 5)], names[Int(random.next() % 5)], amounts[Int(random.next() % 5)],
                dates[Int(random.next() % 4)], notes[Int(random.next() % UInt64(notes.count))],
            ]
            if variant.withErrorsColumn { cells.insert("old message", at: 2) }
            switch random.next() % 6 {
            case 0: cells.append("extra")  // ragged: one cell too many
            case 1: cells.append(contentsOf: ["", ""])  // trailing empty cells, as spreadsheets write them
            case 2: cells.removeLast()  // short row
            default: break
            }
            text += cells.map { quoted($0, delimiter: d, random: &random) }.joined(separator: d) + (index % 2 == 0 ? "\r\n" : "\n")
        }
        return (variant.byteOrderMark ? variant.encoding.byteOrderMark : []) + variant.encoding.encode(text)!
    }

    /// A document's meaning, without where it stood.
    static func meaning(_ document: PatchDocument) -> String {
        let operations = document.operations.map { "\($0.op) \($0.path) \($0.value)" }.joined(separator: " | ")
        // A ragged row's message counts the header's cells, which the Errors column adds to.
        let problems = document.problems.map { problem in
            let reason = problem.reason.hasPrefix("the row has") ? "too many cells" : problem.reason
            return "\(problem.column ?? "-") \(problem.value ?? "-") \(reason)"
        }.joined(separator: " | ")
        return "\(document.referralID) [\(document.ifMatch ?? "")] \(operations) {\(problems)}"
    }

    static func meanings(_ path: String, _ options: ReadingOptions) throws -> [String] {
        let planner = try InputFile.planner(path: path, options: options)
        var meanings: [String] = []
        while let document = try planner.next() { meanings.append(meaning(document)) }
        return meanings.sorted()
    }

    @Test(arguments: variants)
    func planningTheRetryFileGivesTheOriginalDocuments(variant: Variant) async throws {
        try await ApplyHarness.with(referrals: []) { harness in
            let input = harness.folder.appendingPathComponent("input.csv").path
            try Data(Self.hostileFile(variant, rows: 60)).write(to: URL(fileURLWithPath: input))
            let original = try Self.meanings(input, variant.options)
            #expect(original.count == 60)
            let result = try await harness.apply(input, report: "run") { $0.reading = variant.options }
            #expect(result.summary.counts[.notFound, default: 0] + result.summary.counts[.invalidInput, default: 0] == 60)
            let retry = harness.path("run", "retry.csv")
            let retried = try Self.meanings(retry, variant.options)
            let differences = Set(original).symmetricDifference(retried).sorted()
            #expect(differences.isEmpty, "original and retry.csv plan differently: \(differences.prefix(4))")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: retry))
            #expect(bytes.starts(with: variant.byteOrderMark ? variant.encoding.byteOrderMark : []))
            if variant.withErrorsColumn {
                let header = try InputFile.planner(path: retry, options: variant.options).header
                #expect(header.filter { $0 == "Errors" }.count == 1)
            }
        }
    }
}

@Suite struct StrictTests {
    @Test func strictSendsNothingWhenAnyRowHasAProblem() async throws {
        let referrals = openReferrals(20)
        try await ApplyHarness.with(referrals: referrals) { harness in
            var text = wideInput(referrals)
            text += "\(referrals[0]["id"]!.stringValue!),\"12.919\",,\n"  // one ambiguous amount, last in the file
            let input = try harness.write("input.csv", text)
            let refused = try await harness.applyEnding(input, report: "strict") { $0.strict = true }
            guard case .refusedByStrict(let overview) = refused else {
                Issue.record("--strict ran: \(refused)")
                return
            }
            #expect(overview.invalidDocuments == 1)
            #expect(refused.exitStatus == .someRowsNotApplied)
            #expect(refused.description.hasSuffix("21 document(s), 1 with problems: nothing was sent (--strict).\n"), "\(refused)")
            #expect(harness.sandbox.changeLog().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: harness.path("strict", "results.csv")))
            // Without --strict the other 20 documents go on.
            let result = try await harness.apply(input, report: "lenient")
            #expect(result.summary.counts[.updated] == 20)
            #expect(result.summary.counts[.invalidInput] == 1)
        }
    }
}
