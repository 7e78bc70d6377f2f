import ReferralOutcome
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend
@testable import ReferralReport

@Suite struct ChangeOverviewTests {
    @Test func anOverviewCountsReferralsFieldsAndWhatCannotBeUndone() throws {
        let text = """
            Referral ID,Partner Referral Status,Partner Referral Substatus,Notes,Team member 1,Team member 2
            f3c95789-ace1-4954-ac5d-6baed2eac902,Closed,Won,done,"Jane, Doe, , jane@contoso.example","Sam, Lee, , sam@contoso.example"
            cbf27734-ac10-4525-8b66-402800e03d2c,Active,Accepted,,,
            e0a3a91f-2346-4c13-bc27-ed12b10877a9,Closed,Nonsense,,,
            cbf27734-ac10-4525-8b66-402800e03d2c,,,later,,

            """
        let planner = try InputFile.planner(path: Fixtures.temporaryFile(text))
        let overview = try ChangeOverview.of(planner)
        #expect(overview.documents == 4)
        #expect(overview.invalidDocuments == 1)
        #expect(overview.referrals == 2)
        #expect(overview.fields["/status"] == 2)
        #expect(overview.fields["/details/notes"] == 2)
        #expect(overview.irreversible == IrreversibleChanges(referralsClosed: 1, teamMembersAdded: 2))
        #expect(overview.problems.count == 1)
        let lines = overview.lines { "*\($0)*" }
        #expect(lines.last == "*cannot be undone: 1 referral(s) closed, 2 team member(s) added*")
    }

    @Test func onlyAppliedChangesCountInTheSummary() {
        let document = PatchDocument(
            referralID: "x", lines: 2...2, ifMatch: nil,
            operations: [PatchOperation(.replace, .status, "Closed")], sourceRows: [], sequence: 0)
        var summary = RunSummary()
        var updated = Outcome(document: document, kind: .updated, httpStatus: 204, message: "")
        updated.sentOperations = document.operations
        summary.add(updated)
        var failed = Outcome(document: document, kind: .failed, httpStatus: 503, message: "")
        failed.sentOperations = document.operations
        summary.add(failed)
        #expect(summary.irreversible == IrreversibleChanges(referralsClosed: 1))
        #expect(summary.oneLine.hasSuffix("1 referral(s) closed: these cannot be undone"))
    }
}
