import Foundation
import Logging
import ReferralInput
import ReferralModel
import ReferralPlan
import ReferralRun
import ReferralSandbox
import ReferralSandboxTesting
import ReferralSend
import Testing

/// Runs `apply` in-process against a sandbox on a free loopback port, and
/// reads back the report.
struct ApplyHarness {
    let sandbox: RunningSandbox
    let folder: URL

    static func with<T>(
        sandbox configure: (inout SandboxConfiguration) -> Void = { _ in }, referrals: [JSONValue],
        _ body: (ApplyHarness) async throws -> T
    ) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("referral-bulk-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await TestSandbox.with(configure, referrals: referrals) { server in
            try await body(ApplyHarness(sandbox: server.sandbox, folder: folder))
        }
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Applies `input`; the report goes to `folder/<report>`.
    func apply(
        _ input: String, report: String, logger: Logger = Logger(label: "e2e") { _ in SwiftLogNoOpLogHandler() },
        tokens: (any TokenProvider)? = nil, configure: (inout ApplyRun.Configuration) -> Void = { _ in }
    ) async throws -> ApplyRun.Result {
        let ending = try await applyEnding(input, report: report, logger: logger, tokens: tokens, configure: configure)
        return try #require(ending.result, "the run sent nothing: \(ending)")
    }

    /// The run's ending, whatever it is (`--strict` refusing, a declined prompt).
    func applyEnding(
        _ input: String, report: String, logger: Logger = Logger(label: "e2e") { _ in SwiftLogNoOpLogHandler() },
        tokens: (any TokenProvider)? = nil, configure: (inout ApplyRun.Configuration) -> Void = { _ in }
    ) async throws -> ApplyRun.Ending {
        var configuration = ApplyRun.Configuration(input: input, endpoint: sandbox.baseURL)
        configuration.reportDirectory = folder.appendingPathComponent(report).path
        configuration.concurrency = 8
        configuration.stateDirectory = folder.appendingPathComponent("state").path
        // The n-th call of a document always carries the same request ID, so
        // the sandbox's seeded faults fall on the same calls on every run.
        let salt = report
        configuration.sender.requestID = { document, call in "\(salt)-\(document.sequence)-\(call)" }
        configuration.sender.retry = RetryPolicy(maxAttempts: 12, base: .milliseconds(5), cap: .milliseconds(50))
        configuration.requestTimeout = .seconds(20)
        configure(&configuration)
        let client = ReferralAPIClient(concurrency: configuration.concurrency, timeout: configuration.requestTimeout)
        let run = ApplyRun(configuration: configuration, logger: logger)
        let provider = tokens ?? StaticTokenProvider(Secret(sandbox.tokens[.referralAdmin]!))
        do {
            let ending = try await run.run(tokens: provider, transport: client)
            try await client.shutdown()
            return ending
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// `referral-bulk apply input` against this sandbox as a child process
    /// runs it (four workers, journals in `folder/state`), reporting to
    /// `folder/<report>`: the same command each time, as cron repeats it.
    func childApply(_ input: String, report: String) -> [String] {
        ["apply", input, "--endpoint", sandbox.baseURL, "--concurrency", "4", "--state-dir", folder.appendingPathComponent("state").path,
         "--report-dir", folder.appendingPathComponent(report).path]
    }

    /// What hands a child process the sandbox's admin token.
    var childEnvironment: [String: String] { ["PARTNER_CENTER_TOKEN": sandbox.tokens[.referralAdmin]!] }

    /// A report CSV as rows of cells (header first), read with the tool's own reader.
    func rows(_ report: String, _ file: String) throws -> [[String]] {
        try Self.rows(path: folder.appendingPathComponent("\(report)/\(file)").path)
    }

    /// Any CSV file as rows of cells (header first), read with the tool's own reader.
    static func rows(path: String) throws -> [[String]] {
        let reader = try CSVReader(source: DecodedSource(ByteSource(path: path)))
        var rows = [reader.header.cells]
        while let result = try reader.next() {
            if case .record(let record) = result { rows.append(record.cells) }
        }
        return rows
    }

    func path(_ report: String, _ file: String) -> String { folder.appendingPathComponent("\(report)/\(file)").path }

    func referral(_ id: String) -> JSONValue? { sandbox.referrals().first { $0["id"]?.stringValue == id } }
}
