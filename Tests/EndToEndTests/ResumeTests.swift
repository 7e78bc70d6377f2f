import Foundation
import ReferralModel
import ReferralOutcome
import ReferralPlan
import ReferralReport
import ReferralRun
import ReferralSend
import Testing

@testable import ReferralJournal
@testable import ReferralSandbox

@Suite struct ResumeTests {
    @Test func aReRunSkipsWhatFinishedAndRetriesTheRest() async throws {
        let referrals = openReferrals(80, seed: 31)
        try await ApplyHarness.with(sandbox: { $0.seed = 5; $0.failRate = 0.4 }, referrals: referrals) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            _ = try await harness.apply(input, report: "first") { $0.sender.retry = RetryPolicy(maxAttempts: 1) }
            let first = try harness.rows("first", "results.csv").dropFirst()
            let finished = first.filter { $0[2] == "updated" }.count
            #expect(finished > 0 && finished < 80)
            let second = try await harness.apply(input, report: "second")
            let rows = try harness.rows("second", "results.csv").dropFirst()
            #expect(rows.count == 80)  // every document once, the skipped ones included
            #expect(Set(rows.map { $0[0] }).count == 80)
            #expect(rows.filter { $0[2] == "skipped" }.count == finished)
            #expect(rows.filter { $0[2] == "skipped" }.allSatisfy { $0[5].hasPrefix("finished by run 1 of this file (updated") })
            #expect(rows.allSatisfy { ["skipped", "updated", "unchanged"].contains($0[2]) })
            #expect(second.summary.counts[.skipped] == finished)
            #expect(second.exitStatus == .success)
            let fresh = try await harness.apply(input, report: "third") { $0.fresh = true }
            #expect(fresh.summary.counts[.skipped] == nil)
            #expect(fresh.summary.counts[.unchanged] == 80)  // preflight: nothing left to do
        }
    }

    /// What a `kill -9` between the PATCHes and their records leaves, made
    /// deterministic: the changes are on the server and the write-ahead
    /// intents in the journal, but no outcome is recorded. The resume finds
    /// every referral as asked; that is a lost answer proved applied, so each
    /// document is `updated` by the killed run (not `unchanged`), nothing is
    /// sent twice, and undo, in this run's report and in every later one,
    /// restores what the killed run overwrote.
    @Test func aChangeSentByAKilledRunIsUpdatedOnResumeAndStaysUndoable() async throws {
        let referrals = openReferrals(12, seed: 33)
        try await ApplyHarness.with(referrals: referrals) { harness in
            var text = "id,dealValue,notes\n"
            for (index, referral) in referrals.enumerated() { text += "\(referral["id"]!.stringValue!),\(20_000 + index).25,Resumed \(index)\n" }
            let input = try harness.write("input.csv", text)
            func salted(_ salt: String) -> (inout ApplyRun.Configuration) -> Void {
                { $0.sender.requestID = { document, call in "\(salt)-\(document.sequence)-\(call)" } }
            }
            let killed = try await harness.apply(input, report: "nightly", configure: salted("killed"))
            #expect(killed.summary.counts[.updated] == 12)
            let journal = try SQLiteDatabase(path: harness.folder.appendingPathComponent("state/journal.sqlite").path)
            try journal.execute("DELETE FROM outcomes")

            let resumed = try await harness.apply(input, report: "nightly", configure: salted("resumed"))
            #expect(resumed.summary.counts[.updated] == 12)
            #expect(resumed.summary.fileCounts[.updated] == 12)
            #expect(resumed.summary.counts[.unchanged] == nil)
            let rows = try harness.rows("nightly", "results.csv").dropFirst()
            #expect(rows.count == 12)
            #expect(rows.allSatisfy { $0[2] == "updated" && $0[4] == "0" }, "\(rows)")  // updated, and no PATCH sent
            #expect(rows.allSatisfy { $0[5].hasPrefix("applied by run 1 of this file, which was interrupted") }, "\(rows)")
            #expect(harness.sandbox.changeLog().count == 12)
            #expect(try harness.rows("nightly", "undo.csv").count == 1 + 2 * 12)

            // A later run skips them as updated, and its report still undoes them.
            let again = try await harness.apply(input, report: "nightly", configure: salted("again"))
            #expect(again.summary.counts[.skipped] == 12)
            #expect(again.summary.fileCounts[.updated] == 12)
            #expect(try harness.rows("nightly", "undo.csv").count == 1 + 2 * 12)

            let undo = try await harness.apply(
                harness.folder.appendingPathComponent("nightly/undo.csv").path, report: "undo", configure: salted("undo"))
            #expect(undo.summary.counts[.updated] == 12)
            for referral in referrals {
                let now = try #require(harness.referral(referral["id"]!.stringValue!))
                #expect(now["details"]?["dealValue"] == referral["details"]?["dealValue"])
                #expect(now["details"]?["notes"] == referral["details"]?["notes"])
            }
        }
    }

    @Test func shardsOfOneFileCoverEveryDocumentExactlyOnce() async throws {
        let referrals = openReferrals(90, seed: 41)
        try await ApplyHarness.with(referrals: referrals) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            var seen: [String] = []
            for index in 0..<3 {
                _ = try await harness.apply(input, report: "shard-\(index)") { $0.shard = try? ShardSelector(parsing: "\(index)/3") }
                let rows = try harness.rows("shard-\(index)", "results.csv").dropFirst()
                #expect(!rows.isEmpty)
                seen += rows.map { $0[1] }
            }
            #expect(seen.count == 90)
            #expect(Set(seen) == Set(referrals.map { $0["id"]!.stringValue! }))
            #expect(harness.sandbox.changeLog().count == 90)
        }
    }
}

@Suite struct KillTests {
    /// `kill -9` at several points, then the very same command again: the
    /// final state is right, no team member is added twice, and the final
    /// report lists every document once.
    @Test(arguments: [0, 60, 200])
    func killedRunsResumeWithTheSameCommand(appliedBeforeKill: Int) async throws {
        let referrals = openReferrals(200, seed: 51)
        try await ApplyHarness.with(sandbox: { $0.latency = .milliseconds(10) }, referrals: referrals) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            func command(_ report: String) -> [String] { harness.childApply(input, report: report) }
            let environment = harness.childEnvironment
            let first = try ChildProcess.start(command("killed"), environment: environment)
            if appliedBeforeKill > 0 {
                // 0: before the first request; 60: mid-run; 200: all applied, while the report is being finished.
                let reached = try await ChildProcess.wait { harness.sandbox.changeLog().count >= appliedBeforeKill || !first.isRunning }
                #expect(reached)
            }
            // Only a child still running: one that finished has been reaped,
            // and its number may already be another process's.
            if first.isRunning { kill(first.processIdentifier, SIGKILL) }
            first.waitUntilExit()

            let second = try ChildProcess.start(command("resumed"), environment: environment)
            let finished = try await ChildProcess.wait { !second.isRunning }
            if !finished { second.terminate() }
            #expect(finished)
            #expect(second.terminationStatus == 0)
            let rows = try harness.rows("resumed", "results.csv").dropFirst()
            #expect(rows.count == 200)
            #expect(Set(rows.map { $0[0] }).count == 200)
            // Wherever the kill fell: a document the killed run sent but did not
            // record is found applied, and is its `updated`, not `unchanged`.
            #expect(rows.allSatisfy { ["skipped", "updated"].contains($0[2]) }, "\(rows.filter { !["skipped", "updated"].contains($0[2]) })")
            let summary = try JSONParser.parse(Data(contentsOf: harness.folder.appendingPathComponent("resumed/summary.json")))
            #expect(summary["fileOutcomes"]?["updated"] == 200)
            // Undo covers every referral (a field that did not exist, or an added team member, as a warning).
            let undone = try harness.rows("resumed", "undo.csv").dropFirst().map { $0[0] }
            let warned = try harness.rows("resumed", "undo-warnings.csv").dropFirst().map { $0[0] }
            #expect(Set(undone + warned) == Set(referrals.map { $0["id"]!.stringValue! }))
            for (index, referral) in referrals.enumerated() {
                let now = try #require(harness.referral(referral["id"]!.stringValue!))
                #expect(now["details"]?["notes"] == .string("Note \(index), revised"))
                let emails = (now["team"]?.arrayValue ?? []).compactMap { $0["email"]?.stringValue }
                #expect(emails.count == Set(emails).count)
            }
            let perReferral = Dictionary(grouping: harness.sandbox.changeLog(), by: \.referralID)
            #expect(perReferral.count == 200)
            #expect(perReferral.values.allSatisfy { $0.count == 1 })  // nothing applied twice
        }
    }
}
