import Foundation
import Logging
import ReferralBulk
import ReferralSandbox
import Testing

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// `apply --sandbox` keeps its referrals in the state dir: a rehearsal of
/// run, resume and undo behaves as it would against the API.
@Suite struct RehearsalTests {
    @Test func aPersistentSandboxKeepsChangesAcrossRestartsAndUndoRestoresTheSeed() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("referral-bulk-rehearsal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let statePath = try SandboxState.path(stateDirectory: folder.appendingPathComponent("state").path)
        let seed = SeedReferrals.samples
        var configuration = SandboxConfiguration()
        configuration.statePath = statePath
        let input = repository.appendingPathComponent("samples/deal-value-corrections.csv").path

        func run(_ file: String, report: String) async throws -> (ApplyRun.Result, [JSONValue]) {
            let sandbox = try await SandboxServer.start(configuration, referrals: seed)
            var run = ApplyRun.Configuration(input: file, endpoint: sandbox.baseURL)
            run.reportDirectory = folder.appendingPathComponent(report).path
            run.stateDirectory = folder.appendingPathComponent("state").path
            let client = ReferralAPIClient(concurrency: 4)
            let result = try await ApplyRun(configuration: run, logger: .init(label: "rehearsal") { _ in SwiftLogNoOpLogHandler() })
                .run(tokens: StaticTokenProvider(Secret(sandbox.tokens[.referralAdmin]!)), transport: client)
            try await client.shutdown()
            let referrals = sandbox.referrals()
            await sandbox.stop()
            return (result, referrals)
        }

        let (first, afterFirst) = try await run(input, report: "run")
        #expect(first.summary.counts[.updated, default: 0] > 0)
        #expect(afterFirst != seed)
        // A new sandbox process over the same state sees the changes: the same file is all done.
        let (again, afterAgain) = try await run(input, report: "again")
        #expect(again.summary.counts[.updated, default: 0] == 0)
        #expect(afterAgain == afterFirst)
        // Undo through yet another sandbox: every field the run changed is back as the seed had it.
        let (undo, afterUndo) = try await run(folder.appendingPathComponent("run/undo.csv").path, report: "undo")
        #expect(undo.summary.counts[.updated] == first.summary.counts[.updated])
        func fields(_ referrals: [JSONValue]) -> [String] {
            referrals.map { "\($0["id"]!) \($0["details"]?["dealValue"] ?? .null) \($0["details"]?["currency"] ?? .null) \($0["details"]?["closingDateTime"] ?? .null) \($0["details"]?["notes"] ?? .null)" }
        }
        #expect(fields(afterUndo) == fields(seed))
    }

    @Test func theBuiltInSamplesAreSamplesReferralsJSON() throws {
        let file = try SeedReferrals.load(path: repository.appendingPathComponent("samples/referrals.json").path)
        #expect(SeedReferrals.samples == file, "run scripts/embed-sample-referrals after editing samples/referrals.json")
    }
}
