import Foundation
import Logging
import ReferralModel
import ReferralOutcome
import ReferralReport
import ReferralRun
import ReferralSandbox
import ReferralSend
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
        let statePath = try SandboxState(directory: folder.appendingPathComponent("state").path).referralsPath
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
            let result = try #require(try await ApplyRun(configuration: run, logger: .init(label: "rehearsal") { _ in SwiftLogNoOpLogHandler() })
                .run(tokens: StaticTokenProvider(Secret(sandbox.tokens[.referralAdmin]!)), transport: client).result)
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

/// The whole nightly story through the executable: killed twice, resumed
/// twice with the same --report-dir, then undone, against the sandbox that
/// persists in the state dir: the sandbox ends exactly as it began.
@Suite struct NightlyRehearsalTests {
    @Test func aRunKilledTwiceResumesIntoOneReportWhoseUndoRestoresTheSandbox() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("referral-bulk-nightly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let seed = SeedReferrals.samples
        let open = seed.filter { $0["status"]?.stringValue != "Closed" }
        var text = "id,dealValue,notes,closingDate\n"
        for (index, referral) in open.enumerated() {
            text += "\(referral["id"]!.stringValue!),\(70_000 + index).75,Nightly sync \(index),2027-0\(index % 9 + 1)-15\n"
        }
        let input = folder.appendingPathComponent("input.csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: input))
        let state = folder.appendingPathComponent("state").path
        let statePath = state + "/sandbox-referrals.jsonl"
        let report = folder.appendingPathComponent("nightly").path
        let command = ["apply", input, "--sandbox", "--state-dir", state, "--report-dir", report, "--yes", "--max-rps", "40"]

        // Killed twice, each time after a few more changes reached the sandbox.
        for changes in [5, 20] {
            let process = try ChildProcess.start(command, environment: [:])
            let progressed = try await ChildProcess.wait { ChildProcess.lineCount(statePath) > seed.count + changes }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }  // a finished child's number may be reused
            process.waitUntilExit()
            #expect(progressed)
        }
        let finished = try await ChildProcess.run(command, environment: [:])
        #expect(finished.status == 0, "\(finished.output)")
        #expect(finished.output.contains("skipped"))

        // One report for the file: every document once, all applied. Where a
        // kill landed between a PATCH and its record, the resume's read found
        // the change there: that is the killed run's `updated` (a lost answer
        // proved applied), never `unchanged`, wherever the kills fall.
        let summary = try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: report + "/summary.json")))
        #expect(summary["fileOutcomes"]?["updated"] == .number(Decimal(open.count)), "\(summary)")
        let results = try ApplyHarness.rows(path: report + "/results.csv").dropFirst()
        #expect(results.count == open.count)
        #expect(Set(results.map { $0[1] }) == Set(open.map { $0["id"]!.stringValue! }))
        let undo = try await ChildProcess.run(
            ["apply", report + "/undo.csv", "--sandbox", "--state-dir", state, "--report-dir", folder.appendingPathComponent("undo").path, "--yes"],
            environment: [:])
        #expect(undo.status == 0, "\(undo.output)")

        // The persistent sandbox, read as a restart would: every field back as the seed had it.
        func fields(_ referral: JSONValue) -> String {
            let details = referral["details"]
            return "\(referral["status"] ?? .null) \(details?["dealValue"] ?? .null) \(details?["notes"] ?? .null) \(details?["closingDateTime"] ?? .null)"
        }
        var latest: [String: JSONValue] = [:]
        for line in try String(contentsOfFile: statePath, encoding: .utf8).split(separator: "\n") {
            if let referral = try? JSONParser.parse(String(line)), let id = referral["id"]?.stringValue { latest[id] = referral }
        }
        for referral in seed {
            let id = referral["id"]!.stringValue!
            #expect(latest[id].map(fields) == fields(referral), "\(id)")
        }
    }
}
