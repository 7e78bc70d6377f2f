import Foundation
import ReferralModel
import ReferralReport
import ReferralRun
import ReferralSandbox
import ReferralSend
import Testing

/// A real reverse proxy (nginx) in front of the API: its own answers (an
/// HTML 502 when the backend is dead, a 413 for a body over its limit)
/// are told apart from the API's and explained.
@Suite(.serialized) struct GatewayTests {
    /// The issue's observation: the backend behind a live nginx is dead, so
    /// every call is answered 502 with nginx's page. The run stops on the
    /// gateway rule (not the circuit breaker, which took 28 s), exit 3, and
    /// the same command resumes once the API is back.
    @Test func aDeadBackendBehindALiveGatewayStopsTheRunAndItResumes() async throws {
        let referrals = openReferrals(200)
        try await ApplyHarness.with(referrals: referrals) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            let deadPort = try freeLoopbackPort()
            let started = ContinuousClock.now
            let stopped = try await NginxProxy.with(upstreamPort: deadPort) { proxy in
                try await harness.apply(input, report: "run1") {
                    $0.sender.endpoint = proxy.url
                    $0.sender.retry = RetryPolicy(maxAttempts: 3)  // the real backoff, as the issue ran it
                }
            }
            let elapsed = ContinuousClock.now - started
            #expect(stopped.exitStatus == .aborted)
            let reason = try #require(stopped.summary.abortReason)
            #expect(reason.hasPrefix("a gateway in front of http://127.0.0.1:"), "\(reason)")
            #expect(reason.contains("answered every call with 502 for 5 s and the API behind it never answered"))
            #expect(elapsed < .seconds(60), "a generous safety limit, not the measure: \(elapsed)")
            let rows = try harness.rows("run1", "results.csv").dropFirst()
            #expect(!rows.contains { $0[2] == "updated" })
            let failed = rows.filter { $0[2] == "failed" }
            #expect(
                failed.allSatisfy { $0[5].hasPrefix(#"502: a gateway in front of the API answered a page "502 Bad Gateway" (text/html)"#) },
                "\(failed.first ?? [])")
            // The API is back (no proxy in the way): the same file finishes.
            let resumed = try await harness.apply(input, report: "run2")
            #expect(resumed.exitStatus == .success)
            let outcomes = try harness.rows("run2", "results.csv").dropFirst().map { $0[2] }
            #expect(outcomes.count == 200 && outcomes.allSatisfy { $0 == "updated" || $0 == "skipped" })
        }
    }

    /// nginx refuses a body over `client_max_body_size` with its own 413
    /// page: the row says what that means, the others go through the proxy.
    @Test func aPatchLargerThanTheProxyAcceptsIsExplained() async throws {
        let referrals = openReferrals(2)
        try await ApplyHarness.with(referrals: referrals) { harness in
            let long = String(repeating: "a long note ", count: 200)  // 2.4 kB, over the proxy's 1 kB
            let text = "id,notes\n\(referrals[0]["id"]!.stringValue!),short note\n\(referrals[1]["id"]!.stringValue!),\(long)\n"
            let input = try harness.write("input.csv", text)
            let result = try await NginxProxy.with(upstreamPort: harness.sandbox.port, server: "client_max_body_size 1k;") { proxy in
                try await harness.apply(input, report: "run") { $0.sender.endpoint = proxy.url }
            }
            #expect(result.exitStatus == .someRowsNotApplied)
            // Two documents run at once, so results.csv's order is the order they finished: find each by its ID.
            let rows = try harness.rows("run", "results.csv")
            #expect(rows.count == 3)
            func row(of referral: Int) throws -> [String] {
                let id = referrals[referral]["id"]!.stringValue!.lowercased()
                return try #require(rows.dropFirst().first { $0[1].lowercased() == id })
            }
            let short = try row(of: 0), large = try row(of: 1)
            #expect(short[2] == "updated" && UUID(uuidString: short[9]) != nil)  // the API's Request-ID came through the proxy
            #expect(large[2] == "failed" && large[3] == "413")
            #expect(large[5] == "413: the patch is larger than the API (or a proxy in front of it) accepts")
            let retry = try harness.rows("run", "retry.csv")
            #expect(retry.last?.last == large[5])  // the same words in retry.csv's Errors
        }
    }
}
