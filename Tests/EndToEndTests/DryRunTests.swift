import Foundation
import ReferralInput
import ReferralModel
import ReferralPlan
import ReferralReport
import ReferralRun
import ReferralSandboxTesting
import ReferralSend
import Testing

@testable import ReferralSandbox

/// `apply --dry-run`: everything a real run does except the writes.
@Suite struct DryRunTests {
    /// A file with one row of every kind a dry run can report.
    static func everyKindOfRow(_ referrals: [JSONValue]) -> String {
        let id = { (index: Int) in referrals[index]["id"]!.stringValue! }
        let csv = CSVWriter()
        var bytes = csv.row(["id", "eTag", "status", "substatus", "notes", "dealValue", "Team member 1"])
        for row in [
            [id(0), "", "", "", "Dry <b>run</b> note", "12345.50", ""],  // update, two fields
            [id(1), "", "", "", referrals[1]["details"]!["notes"]!.stringValue!, "", ""],  // unchanged
            [id(25), "", "New", "Pending", "", "", ""],  // invalid_transition: Active cannot go back to New
            ["00000000-0000-4000-8000-000000000099", "", "", "", "for nobody", "", ""],  // not_found
            [id(2), "stale-etag", "", "", "from an old export", "", ""],  // conflict
            [id(3), "", "Open", "", "", "", ""],  // invalid_input: no such status
            [id(4), "", "Closed", "Won", "", JSONWriter.string(referrals[4]["details"]!["dealValue"]!), "Jane, Doe, , jane.dry@contoso.example"],
        ] {
            bytes += csv.row(row)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func aDryRunWritesNothingAndListsExactlyWhatTheRealRunThenChanges() async throws {
        let referrals = TestSandbox.sampleReferrals()
        try await ApplyHarness.with(referrals: referrals) { harness in
            let input = try harness.write("input.csv", Self.everyKindOfRow(referrals))
            let dry = try await harness.apply(input, report: "dry") { $0.sender.dryRun = true }
            #expect(harness.sandbox.changeLog().isEmpty, "a dry run wrote: \(harness.sandbox.changeLog())")
            #expect(dry.exitStatus == .someRowsNotApplied)
            #expect(dry.summary.dryRun)
            #expect(dry.summary.irreversible == IrreversibleChanges(referralsClosed: 1, teamMembersAdded: 1))

            let changes = try harness.rows("dry", "changes.csv")
            #expect(changes[0] == ChangeRow.header)
            let outcomes = Set(changes.dropFirst().map { $0[5] })
            #expect(outcomes == ["update", "unchanged", "invalid_transition", "not_found", "conflict", "invalid_input"])
            let id0 = referrals[0]["id"]!.stringValue!
            let notes = try #require(changes.first { $0[0] == id0 && $0[2] == "/details/notes" })
            #expect(notes[3] == referrals[0]["details"]!["notes"]!.stringValue!)
            #expect(notes[4] == "Dry <b>run</b> note")
            // The deal value the file repeats is listed, as unchanged, beside the status it closes.
            let id4 = referrals[4]["id"]!.stringValue!
            #expect(changes.first { $0[0] == id4 && $0[2] == "/details/dealValue" }?[5] == "unchanged")
            #expect(!FileManager.default.fileExists(atPath: harness.path("dry", "undo.csv")))
            #expect(!FileManager.default.fileExists(atPath: harness.folder.appendingPathComponent("state").path))

            let promised = Set(changes.dropFirst().filter { $0[5] == "update" }.map { "\($0[0]) \($0[2])" })
            let metrics = harness.folder.appendingPathComponent("referral-bulk.prom").path
            let real = try await harness.apply(input, report: "real") { $0.metricsFile = metrics }
            #expect(real.exitStatus == .someRowsNotApplied)
            let prom = try String(contentsOfFile: metrics, encoding: .utf8)
            #expect(prom.contains("referral_bulk_last_run_documents{outcome=\"updated\"} 2"))
            #expect(prom.contains("referral_bulk_last_success_timestamp_seconds 0"))  // this run left rows unapplied
            for report in ["dry", "real"] {
                for file in ["report.html", "timeline.csv", "summary.json"] {
                    #expect(FileManager.default.fileExists(atPath: harness.path(report, file)), "\(report)/\(file)")
                }
            }
            let written = Set(harness.sandbox.changeLog().flatMap { record in record.operations.map { "\(record.referralID) \($0.path)" } })
            #expect(written == promised)
            #expect(written.count == 5)  // notes and deal value; status, substatus and a team member
            let updated = Set(try harness.rows("real", "results.csv").dropFirst().filter { $0[2] == "updated" }.map { $0[1] })
            #expect(updated == Set(promised.map { String($0.split(separator: " ")[0]) }))
        }
    }
}
