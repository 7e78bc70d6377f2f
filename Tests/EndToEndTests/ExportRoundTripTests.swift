import Foundation
import Logging
import ReferralInput
import ReferralModel
import ReferralRun
import ReferralSandbox
import ReferralSandboxTesting
import ReferralSend
import Synchronization
import Testing

/// Passes requests to the real client and counts the answers' statuses.
final class StatusCountingTransport: ReferralTransport {
    let inner: ReferralAPIClient
    let counts = Mutex<[Int: Int]>([:])

    init(_ inner: ReferralAPIClient) { self.inner = inner }

    func send(_ request: ReferralRequest, token: Secret) async throws -> APIResponse {
        let response = try await inner.send(request, token: token)
        counts.withLock { $0[response.status, default: 0] += 1 }
        return response
    }
}

extension ApplyHarness {
    /// Exports into `folder/name` with small pages, so paging is exercised.
    func export(
        _ name: String, tokens: (any TokenProvider)? = nil,
        configure: (inout ExportRun.Configuration) -> Void = { _ in },
        transport wrap: (ReferralAPIClient) -> any ReferralTransport = { $0 }
    ) async throws(ExportError) -> ExportRun.Result {
        var configuration = ExportRun.Configuration(endpoint: sandbox.baseURL)
        configuration.pageSize = 7
        configuration.retry = RetryPolicy(maxAttempts: 12, base: .milliseconds(5), cap: .milliseconds(50))
        configure(&configuration)
        let client = ReferralAPIClient(concurrency: 1, timeout: .seconds(20))
        let run = ExportRun(configuration: configuration, logger: Logger(label: "e2e") { _ in SwiftLogNoOpLogHandler() })
        let result: Result<ExportRun.Result, ExportError>
        do {
            result = .success(
                try await run.run(
                    tokens: tokens ?? StaticTokenProvider(Secret(sandbox.tokens[.referralAdmin]!)), transport: wrap(client),
                    output: try ExportOutput.file(file(name))))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        return try result.get()
    }

    func file(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The folder's file names (temporary ones included).
    func files() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() }
}

@Suite struct ExportRoundTripTests {
    /// Export, edit two cells of three referrals, change one of them on the
    /// server meanwhile, apply the file as it is: only the edited cells are
    /// sent, the concurrently changed referral is a conflict (its eTag column
    /// became If-Match) listed in retry.csv, and the server's change log
    /// holds exactly the edited fields.
    @Test func exportEditApplySendsOnlyTheEditedCellsAndTheETagCatchesAConcurrentEdit() async throws {
        let referrals = TestSandbox.sampleReferrals()
        try await ApplyHarness.with(referrals: referrals) { harness in
            let result = try await harness.export("export.csv")
            #expect(result.rows == 60)
            #expect(result.pages == 9)
            var rows = try ApplyHarness.rows(path: harness.file("export.csv"))
            let header = rows[0]
            let column = { (name: String) in header.firstIndex(of: name)! }
            #expect(header.first == "Referral ID")
            #expect(header.last == "eTag")
            #expect(rows.count == 61)

            // New (2), Active (30) and New (5): a deal value, notes with a line break and a formula-like start, a deal value.
            let (valued, noted, raced) = (referrals[1]["id"]!.stringValue!, referrals[29]["id"]!.stringValue!, referrals[4]["id"]!.stringValue!)
            func edit(_ id: String, _ name: String, _ value: String) {
                let index = rows.firstIndex { $0[0] == id }!
                rows[index][column(name)] = value
            }
            edit(valued, "Estimated Deal Value", "12919.5")
            edit(noted, "Notes", "=checked\r\nsecond line, with \"quotes\"")
            edit(raced, "Estimated Deal Value", "777")
            let csv = CSVWriter()
            let edited = rows.map { csv.row($0) }.joined()
            let input = try harness.write("edited.csv", String(decoding: edited, as: UTF8.self))

            // Someone else changes the third referral's notes after the export.
            let concurrent = try JSONParser.parse(#"[{"op":"replace","path":"/details/notes","value":"changed meanwhile"}]"#)
            let client = ReferralAPIClient(concurrency: 1)
            let answer = try await client.send(
                .patch(
                    endpoint: harness.sandbox.baseURL, referralID: raced, operations: try PatchOperation.document(from: concurrent),
                    ifMatch: nil, requestID: "concurrent-edit", returnRepresentation: false),
                token: Secret(harness.sandbox.tokens[.referralAdmin]!))
            try await client.shutdown()
            #expect(answer.status == 204)

            let applied = try await harness.apply(input, report: "run")
            let outcomes = try harness.rows("run", "results.csv").dropFirst().map { ($0[1], $0[2]) }
            #expect(outcomes.count == 60)
            let byID = Dictionary(uniqueKeysWithValues: outcomes)
            #expect(byID[valued] == "updated")
            #expect(byID[noted] == "updated")
            #expect(byID[raced] == "conflict")
            #expect(outcomes.filter { $0.1 == "unchanged" }.count == 57)
            #expect(applied.exitStatus == .someRowsNotApplied)
            let retry = try harness.rows("run", "retry.csv")
            #expect(retry.dropFirst().map { $0[0] } == [raced])

            let log = harness.sandbox.changeLog()
            #expect(log.map(\.referralID).sorted() == [raced, valued, noted].sorted())
            #expect(log.first { $0.referralID == raced }?.requestID == "concurrent-edit")
            #expect(log.first { $0.referralID == valued }?.operations.map(\.json) == [
                ["op": "replace", "path": "/details/dealValue", "value": .number(Decimal(string: "12919.5")!)]
            ])
            #expect(log.first { $0.referralID == noted }?.operations.map(\.json) == [
                ["op": "replace", "path": "/details/notes", "value": "=checked\r\nsecond line, with \"quotes\""]
            ])
        }
    }

    /// Referrals in the documented shapes (the docs' GET by id, the created
    /// referral, a real list item's skeleton with its many extra fields and
    /// nulls): export, then apply the file as it is: every row `unchanged`.
    @Test func documentedShapeReferralsRoundTripUnchanged() async throws {
        let docs = try DocumentedExamples.load()
        let shapes = [
            try #require(docs.blocks(in: "2.3").first { $0.firstLine.hasPrefix("HTTP/1.1 200") }).json(),
            try docs.blocks(in: "2.4")[1].json(), try #require(docs.blocks(in: "2.9").first).json(),
        ]
        #expect(shapes.allSatisfy { $0["id"]?.stringValue != nil })
        try await ApplyHarness.with(referrals: shapes) { harness in
            let result = try await harness.export("export.csv")
            #expect(result.rows == 3)
            let applied = try await harness.apply(harness.file("export.csv"), report: "run")
            let rows = try harness.rows("run", "results.csv").dropFirst()
            #expect(rows.count == 3 && rows.allSatisfy { $0[2] == "unchanged" }, "\(Array(rows))")
            #expect(applied.exitStatus == .success)
            #expect(harness.sandbox.changeLog().isEmpty)
        }
    }

    @Test func theFileIsWrittenOnlyWhenTheLastPageArrivedAndNeverWhenTheAPIRefuses() async throws {
        try await ApplyHarness.with(referrals: TestSandbox.sampleReferrals()) { harness in
            await #expect(throws: ExportError.refused(status: 400, message: "400 UnsupportedFilter: the function 'contains' is not supported in $filter (only any() on team)")) {
                try await harness.export("refused.csv") { $0.filter.filter = "contains(name,'x')" }
            }
            await #expect(throws: ExportError.self) {
                try await harness.export("rejected.csv", tokens: StaticTokenProvider(Secret("not-a-token")))
            }
            let left = try harness.files()
            #expect(left == [])
        }
    }

    @Test func anAPIThatKeepsFailingLeavesNoFileAndExits3() async throws {
        try await ApplyHarness.with(sandbox: { $0.failRate = 1 }, referrals: TestSandbox.sampleReferrals()) { harness in
            do {
                _ = try await harness.export("failed.csv") { $0.retry = RetryPolicy(maxAttempts: 2, base: .milliseconds(1), cap: .milliseconds(1)) }
                Issue.record("the export succeeded against an API that always fails")
            } catch {
                #expect((error as? ExportError)?.exitStatus == .aborted)
            }
            let left = try harness.files()
            #expect(left == [])
        }
    }

    @Test func a429IsWaitedOutAsApplyWaitsItOut() async throws {
        // Reads at 0.6 a second, one at a time: the page after the first comes
        // long before a token does (unless that page took 1.6 s), so it meets a 429.
        try await ApplyHarness.with(sandbox: { $0.rateLimit = 0.2 }, referrals: TestSandbox.sampleReferrals()) { harness in
            var counting: StatusCountingTransport?
            let result = try await harness.export("throttled.csv", configure: { $0.pageSize = 20 }) { client in
                let transport = StatusCountingTransport(client)
                counting = transport
                return transport
            }
            #expect(result.rows == 60)
            #expect(result.pages == 3)
            let counts = counting?.counts.withLock { $0 } ?? [:]
            #expect(counts[200] == 3)
            #expect(counts[429, default: 0] > 0)
        }
    }

    @Test func retriesCarryTheExportThroughFaultsAndTheFilterSelects() async throws {
        let referrals = TestSandbox.sampleReferrals()
        try await ApplyHarness.with(sandbox: { $0.failRate = 0.3; $0.dropRate = 0.1 }, referrals: referrals) { harness in
            let result = try await harness.export("active.csv") {
                $0.filter.status = .active
                $0.filter.teamEmail = "riley.user@fabrikam-partner.example"
            }
            let expected = referrals.filter { referral in
                referral["status"] == "Active"
                    && (referral["team"]?.arrayValue ?? []).contains { $0["email"] == "riley.user@fabrikam-partner.example" }
            }
            .sorted { ($0["createdDateTime"]!.stringValue!, $0["id"]!.stringValue!) < ($1["createdDateTime"]!.stringValue!, $1["id"]!.stringValue!) }
            .map { $0["id"]!.stringValue! }
            #expect(!expected.isEmpty)
            #expect(result.rows == expected.count)
            #expect(try ApplyHarness.rows(path: harness.file("active.csv")).dropFirst().map { $0[0] } == expected)
        }
    }
}
