import Foundation
import ReferralModel
import Testing

@testable import ReferralSandbox

@Suite struct SoakTests {
    /// 50,000 rows through the real executable with every fault at once:
    /// latency with jitter, a rate limit, 5 % 503s, 2 % dropped connections,
    /// 2 % lost responses, and tokens that expire every 20 seconds. Bounded
    /// by the input's size (and a 10-minute guard); asserts counts and
    /// states, never durations. Prints the run's peak RSS.
    @Test func fiftyThousandRowsWithEveryFaultAtOnce() async throws {
        let count = 50_000
        let referrals = openReferrals(count, seed: 61)
        try #require(referrals.count == count)
        try await ApplyHarness.with(
            sandbox: {
                $0.seed = 13
                $0.latency = .milliseconds(4)
                $0.jitter = .milliseconds(3)
                $0.rateLimit = 2500
                $0.failRate = 0.05
                $0.dropRate = 0.02
                $0.lostResponseRate = 0.02
                $0.tokenTTL = .seconds(20)
            }, referrals: referrals
        ) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            let report = harness.folder.appendingPathComponent("soak").path
            let rssFile = harness.folder.appendingPathComponent("rss.txt").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
            process.arguments = [
                "-f", "%M", "-o", rssFile, ChildProcess.binary, "apply", input, "--endpoint", harness.sandbox.baseURL,
                "--token-url", harness.sandbox.baseURL + "/oauth2/token", "--client-id", harness.sandbox.clientID,
                "--concurrency", "64", "--max-attempts", "10", "--report-dir", report,
                "--state-dir", harness.folder.appendingPathComponent("state").path,
            ]
            process.environment = ProcessInfo.processInfo.environment.merging(
                ["PARTNER_CENTER_CLIENT_SECRET": harness.sandbox.clientSecret]) { _, new in new }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let finished = try await ChildProcess.wait(until: { !process.isRunning }, attempts: 12_000)
            if !finished { process.terminate() }
            #expect(finished)
            #expect(process.terminationStatus == 0)

            let rows = try harness.rows("soak", "results.csv").dropFirst()
            #expect(rows.count == count)
            #expect(Set(rows.map { $0[0] }).count == count)  // every document exactly one outcome
            #expect(rows.allSatisfy { $0[2] == "updated" || $0[2] == "unchanged" })
            let byID = Dictionary(uniqueKeysWithValues: harness.sandbox.referrals().map { ($0["id"]!.stringValue!, $0) })
            for (index, referral) in referrals.enumerated() {
                let now = try #require(byID[referral["id"]!.stringValue!])
                #expect(now["details"]?["notes"] == .string("Note \(index), revised"))
                let emails = (now["team"]?.arrayValue ?? []).compactMap { $0["email"]?.stringValue }
                #expect(emails.count == Set(emails).count, "a team member was added twice")
            }
            // 50,000 PATCHes at 2,500/s take 20 s at least: longer than one 20 s token (renewed at 15 s).
            #expect(harness.sandbox.tokensIssued() >= 2)
            let rss = (try? String(contentsOfFile: rssFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            print("soak: \(count) rows, peak RSS of apply \(rss) KB")
            #expect((Int(rss) ?? .max) < 128 * 1024)
        }
    }
}
