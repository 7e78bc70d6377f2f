import Foundation
import InMemoryLogging
import Logging
import ReferralModel
import ReferralOutcome
import ReferralReport
import ReferralRun
import ReferralSandboxTesting
import ReferralSend
import Testing

@testable import ReferralSandbox

/// New and Active referrals only, so that every change is allowed.
func openReferrals(_ count: Int, seed: UInt64 = 11) -> [JSONValue] {
    SeedReferrals.generate(count: count * 2, seed: seed).filter { $0["status"]?.stringValue != "Closed" }.prefix(count).map { $0 }
}

/// A wide file setting a new deal value, a note and a team member on each referral.
func wideInput(_ referrals: [JSONValue]) -> String {
    var text = "id,dealValue,notes,Team member 1\n"
    for (index, referral) in referrals.enumerated() {
        text += "\(referral["id"]!.stringValue!),\(10_000 + index).50,\"Note \(index), revised\",\"Jane, Doe, , jane.doe\(index % 3)@contoso.example\"\n"
    }
    return text
}

@Suite struct ApplyEndToEndTests {
    @Test func everyRowIsAccountedForOnceAndTheServerHoldsWhatWasAskedDespiteFaults() async throws {
        let referrals = openReferrals(240)
        try await ApplyHarness.with(
            sandbox: {
                $0.seed = 7
                $0.failRate = 0.1
                $0.dropRate = 0.05
                $0.lostResponseRate = 0.05
                $0.rateLimit = 400
            }, referrals: referrals
        ) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            let result = try await harness.apply(input, report: "run1")
            let results = try harness.rows("run1", "results.csv").dropFirst()
            #expect(results.count == 240)
            #expect(Set(results.map { $0[0] }).count == 240)  // each input line exactly once
            #expect(results.allSatisfy { $0[2] == "updated" }, "\(results.filter { $0[2] != "updated" })")
            #expect(result.exitStatus == .success)
            #expect(result.summary.retries > 0)  // the faults really happened
            for (index, referral) in referrals.enumerated() {
                let now = try #require(harness.referral(referral["id"]!.stringValue!))
                #expect(now["details"]?["dealValue"] == .number(Decimal(string: "\(10_000 + index).50")!))
                #expect(now["details"]?["notes"] == .string("Note \(index), revised"))
                let emails = (now["team"]?.arrayValue ?? []).compactMap { $0["email"]?.stringValue }
                #expect(emails.count == Set(emails).count, "a team member was added twice")
            }
            // The log proves each referral was patched exactly once.
            let patched = harness.sandbox.changeLog().map(\.referralID)
            #expect(patched.count == 240)
            #expect(Set(patched).count == 240)
        }
    }

    /// The issue's observation: one team member added per referral, 5 % of
    /// answers lost, `--no-preflight`. The sandbox forgets request ids, so
    /// only the client's own rule can keep a member from being added twice.
    @Test func lostAnswersNeverAddATeamMemberTwiceEvenWithoutPreflightOrReplay() async throws {
        let referrals = openReferrals(200)
        try await ApplyHarness.with(
            sandbox: {
                $0.seed = 20
                $0.lostResponseRate = 0.05
                $0.replaysRequestIDs = false
            }, referrals: referrals
        ) { harness in
            var text = "id,Team member 1\n"
            for referral in referrals { text += "\(referral["id"]!.stringValue!),\"Ada, Lovelace, , ada.lovelace@contoso.example\"\n" }
            let result = try await harness.apply(try harness.write("input.csv", text), report: "run") { $0.sender.preflight = false }
            let rows = try harness.rows("run", "results.csv").dropFirst()
            #expect(rows.count == 200 && rows.allSatisfy { $0[2] == "updated" }, "\(rows.filter { $0[2] != "updated" })")
            #expect(result.exitStatus == .success)
            let checked = rows.filter { $0[5].contains("the answer to the PATCH was lost") }
            #expect(!checked.isEmpty)  // the faults really happened, and the outcome says so
            for referral in referrals {
                let team = try #require(harness.referral(referral["id"]!.stringValue!)?["team"]?.arrayValue)
                #expect(team.count { $0["email"]?.stringValue == "ada.lovelace@contoso.example" } == 1, "a team member was added twice")
            }
            #expect(harness.sandbox.changeLog().count == 200)
        }
    }

    @Test func conflictsAndInvalidTransitionsAreReportedAsSuch() async throws {
        let referrals = TestSandbox.sampleReferrals()
        try await ApplyHarness.with(referrals: referrals) { harness in
            let new = referrals[0]["id"]!.stringValue!, active = referrals[25]["id"]!.stringValue!
            let closed = referrals[45]["id"]!.stringValue!
            let text = """
                id,eTag,status,substatus,notes
                \(new),"stale-etag",,,from an old export
                \(active),,New,Pending,
                \(closed),,,,late note
                \(referrals[1]["id"]!.stringValue!),,Active,Accepted,

                """
            let result = try await harness.apply(try harness.write("input.csv", text), report: "run")
            let outcomes = Dictionary(uniqueKeysWithValues: try harness.rows("run", "results.csv").dropFirst().map { ($0[1], $0[2]) })
            #expect(outcomes[new] == "conflict")
            #expect(outcomes[active] == "invalid_transition")
            #expect(outcomes[closed] == "invalid_transition")
            #expect(outcomes[referrals[1]["id"]!.stringValue!] == "updated")
            #expect(result.exitStatus == .someRowsNotApplied)
            let retry = try harness.rows("run", "retry.csv")
            #expect(retry[0] == ["id", "eTag", "status", "substatus", "notes", "Errors"])
            #expect(retry.count == 4)
            #expect(harness.sandbox.changeLog().count == 1)
        }
    }

    @Test func retryFileTurnsTheRestIntoUpdatesAndUndoRestoresTheBeforeState() async throws {
        let referrals = openReferrals(60, seed: 21)
        try await ApplyHarness.with(sandbox: { $0.seed = 3; $0.failRate = 0.5 }, referrals: referrals) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            let first = try await harness.apply(input, report: "first") { $0.sender.retry = RetryPolicy(maxAttempts: 1) }
            let failed = try harness.rows("first", "results.csv").dropFirst().filter { $0[2] == "failed" }
            #expect(!failed.isEmpty)
            #expect(first.exitStatus == .someRowsNotApplied)
            // Re-apply retry.csv as it is (its Errors column is read-only for the planner).
            let second = try await harness.apply(harness.path("first", "retry.csv"), report: "second")
            let retried = try harness.rows("second", "results.csv").dropFirst()
            #expect(retried.count == failed.count)
            #expect(retried.allSatisfy { $0[2] == "updated" || $0[2] == "unchanged" })
            #expect(second.exitStatus == .success)
            for (index, referral) in referrals.enumerated() {
                #expect(harness.referral(referral["id"]!.stringValue!)?["details"]?["notes"] == .string("Note \(index), revised"))
            }
        }
        try await ApplyHarness.with(referrals: referrals) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            _ = try await harness.apply(input, report: "forward")
            let undo = try await harness.apply(harness.path("forward", "undo.csv"), report: "undo")
            #expect(undo.exitStatus == .success)
            for referral in referrals {
                let now = try #require(harness.referral(referral["id"]!.stringValue!))
                #expect(now["details"]?["dealValue"] == referral["details"]?["dealValue"])
                #expect(now["details"]?["notes"] == referral["details"]?["notes"])
            }
            // Added team members cannot be removed by this API: listed, not undone.
            #expect(try harness.rows("forward", "undo-warnings.csv").count == 61)
        }
    }

    @Test func tokensFromTheTokenEndpointAreRenewedDuringARun() async throws {
        let referrals = openReferrals(240, seed: 5)
        try await ApplyHarness.with(
            sandbox: {
                // Long enough that a token just issued is never stale on a loaded machine.
                $0.tokenTTL = .seconds(3)
                $0.latency = .milliseconds(40)
            }, referrals: referrals
        ) { harness in
            let client = ReferralAPIClient(concurrency: 2)
            let tokens = OAuthTokenProvider(
                url: harness.sandbox.baseURL + "/oauth2/token",
                credentials: .init(clientID: harness.sandbox.clientID, clientSecret: Secret(harness.sandbox.clientSecret), refreshToken: nil),
                client: client)
            // 240 documents × 2 calls × 40 ms / 4 workers ≥ 4.8 s: longer than one token's life.
            let result = try await harness.apply(try harness.write("input.csv", wideInput(referrals)), report: "run", tokens: tokens) {
                $0.concurrency = 4
            }
            try await client.shutdown()
            #expect(result.summary.counts[.updated] == 240)
            #expect(harness.sandbox.tokensIssued() >= 2)
        }
    }

    @Test func noTokenAppearsInLogsOrReportsEvenAtTraceLevel() async throws {
        let referrals = openReferrals(30, seed: 9)
        try await ApplyHarness.with(sandbox: { $0.seed = 2; $0.failRate = 0.2 }, referrals: referrals) { harness in
            let memory = InMemoryLogHandler()
            var logger = Logger(label: "e2e") { _ in memory }
            logger.logLevel = .trace
            let token = harness.sandbox.tokens[.referralAdmin]!
            _ = try await harness.apply(try harness.write("input.csv", wideInput(referrals)), report: "run", logger: logger)
            let logged = memory.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            #expect(!logged.isEmpty)
            #expect(!logged.contains(token))
            // Lines about a document name it by its ID, never by its URL.
            let ids = Set(referrals.map { $0["id"]!.stringValue! })
            let named = memory.entries.compactMap { $0.metadata["referral.id"]?.description }
            #expect(!named.isEmpty)
            #expect(named.allSatisfy { ids.contains($0) })
            for file in ["results.csv", "retry.csv", "undo.csv", "undo-warnings.csv", "summary.json"] {
                let text = try String(contentsOfFile: harness.path("run", file), encoding: .utf8)
                #expect(!text.contains(token), "\(file)")
            }
            #expect("\(Secret(token))" == "<redacted>")
        }
    }

    @Test func reportFolderIsPrivateAndNoStrangersFolderIsUsed() async throws {
        let referrals = openReferrals(3)
        try await ApplyHarness.with(referrals: referrals) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            _ = try await harness.apply(input, report: "run")
            let attributes = try FileManager.default.attributesOfItem(atPath: harness.folder.appendingPathComponent("run").path)
            #expect((attributes[.posixPermissions] as? Int) == 0o700)
            for file in ["results.csv", "retry.csv", "undo.csv", "summary.json"] {
                let mode = try FileManager.default.attributesOfItem(atPath: harness.path("run", file))[.posixPermissions] as? Int
                #expect(mode == 0o600, "\(file)")
            }
            // A folder that is not a report folder of ours is never written into.
            try FileManager.default.createDirectory(at: harness.folder.appendingPathComponent("mine"), withIntermediateDirectories: true)
            let mine = harness.folder.appendingPathComponent("mine").path
            await #expect(throws: ApplyRun.StartError.report(.notAReportFolder(path: mine))) { try await harness.apply(input, report: "mine") }
        }
    }
}

@Suite struct AbortTests {
    @Test func anAPIThatKeepsFailingAbortsWithExit3InsteadOfSpendingTheFile() async throws {
        let referrals = openReferrals(200, seed: 4)
        try await ApplyHarness.with(sandbox: { $0.failRate = 1 }, referrals: referrals) { harness in
            let result = try await harness.apply(try harness.write("input.csv", wideInput(referrals)), report: "run") {
                $0.sender.retry = RetryPolicy(maxAttempts: 2, base: .milliseconds(1), cap: .milliseconds(1))
                $0.circuit = CircuitBreaker(window: 10, failureRatio: 0.8, coolDown: .milliseconds(10), maximumOpenings: 2)
                $0.concurrency = 2
            }
            #expect(result.exitStatus == .aborted)
            #expect(result.summary.abortReason != nil)
            // Stopped early, not after 200 failures: the rest is reported unfinished, for a resume.
            #expect(result.summary.documents - result.summary.counts[.unfinished, default: 0] < 60)
            #expect(result.summary.documents == 200)
            let summary = try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: harness.path("run", "summary.json"))))
            #expect(summary["aborted"] == true)
            #expect(summary["exitCode"] == 3)
        }
    }
}

@Suite struct AttemptCountTests {
    @Test func aCleanUpdateIsOneReadAndOneWriteAndNoRetry() async throws {
        let referrals = openReferrals(5)
        try await ApplyHarness.with(referrals: referrals) { harness in
            let result = try await harness.apply(try harness.write("input.csv", wideInput(referrals)), report: "run")
            let rows = try harness.rows("run", "results.csv")
            #expect(rows[0][4] == "attempts" && rows[0][8] == "read_attempts")
            #expect(rows.dropFirst().allSatisfy { $0[2] == "updated" && $0[4] == "1" && $0[8] == "1" })
            #expect(result.summary.retries == 0)
            // The server's Request-ID of each PATCH's answer, beside our client-request-id.
            #expect(rows[0][6] == "request_id" && rows[0][9] == "server_request_id")
            let serverIDs = rows.dropFirst().map { $0[9] }
            #expect(serverIDs.allSatisfy { UUID(uuidString: $0) != nil } && Set(serverIDs).count == referrals.count)
            #expect(rows.dropFirst().allSatisfy { $0[6] != $0[9] })
            let summary = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: harness.path("run", "summary.json")))))
            let correlation = try #require(summary["correlationId"]?.stringValue)
            #expect(UUID(uuidString: correlation) != nil && result.summary.oneLine.contains(correlation))
        }
    }
}
