import Foundation
import ReferralModel
import ReferralOutcome
import ReferralReport
import ReferralRun
import ReferralSandbox
import ReferralSend
import Testing

/// `apply` through nginx's own limiters (limit_req, limit_conn) in front of
/// an unlimited sandbox: every row gets through, in bounded time, and
/// nginx's log shows few refusals. Counts only, never durations; the
/// efficiency figures are scripts/bench-throttle's. One at a time: each
/// holds a sandbox, an nginx and a run.
@Suite(.serialized) struct NginxThrottleTests {
    /// Runs `apply` on `count` referrals through nginx with `flags`; returns
    /// the result and nginx's answers by status.
    func applyThroughNginx(
        _ flags: [String], referrals count: Int, seed: UInt64, latency: Duration = .milliseconds(5), concurrency: Int = 8
    ) async throws -> (ApplyRun.Result, [Int: Int]) {
        let referrals = openReferrals(count, seed: seed)
        return try await ApplyHarness.with(sandbox: { $0.latency = latency }, referrals: referrals) { harness in
            try await NginxLimiter.with(upstream: harness.sandbox.baseURL, flags) { nginx in
                let result = try await harness.apply(try harness.write("input.csv", wideInput(referrals)), report: "run") {
                    $0.sender.endpoint = nginx.baseURL
                    $0.concurrency = concurrency
                    // The tool's own backoff, as a user gets it.
                    $0.sender.retry = RetryPolicy()
                }
                // nginx's own count: 429 refused, anything else (200 for a read, 204 for a write) got through.
                return (result, try nginx.statuses().reduce(into: [:]) { $0[$1.key == 429 ? 429 : 200, default: 0] += $1.value })
            }
        }
    }

    @Test(arguments: [
        ["--rate", "20r/s"],
        ["--rate", "20r/s", "--burst", "5", "--nodelay"],
        ["--rate", "20r/s", "--burst", "5", "--nodelay", "--retry-after", "1"],
    ])
    func everyRowGetsThroughLimitReq(flags: [String]) async throws {
        let (result, statuses) = try await applyThroughNginx(flags, referrals: 60, seed: 81)
        #expect(result.exitStatus == .success)
        #expect(result.summary.counts[.updated] == 60)
        // Two calls a row (read, then write), each through once. In a run of
        // six seconds slow start's overshoot weighs (a burst of 5 refuses
        // about 24 of 144): a bound that a pace collapsing or running away fails.
        #expect(statuses[200, default: 0] == 120, "\(statuses)")
        #expect(statuses[429, default: 0] <= 40, "\(statuses)")
    }

    /// The hang: a `Retry-After` that says nothing (`-5`), or a date
    /// long past, on every 429. The run ends with every row updated.
    @Test(arguments: ["-5", "Thu, 01 Jan 1970 00:00:00 GMT", "soon"])
    func aMeaninglessRetryAfterNeverStallsTheRun(value: String) async throws {
        let (result, statuses) = try await applyThroughNginx(
            ["--rate", "10r/s", "--retry-after", value], referrals: 10, seed: 82, concurrency: 8)
        #expect(result.exitStatus == .success)
        #expect(result.summary.counts[.updated] == 10)
        #expect(statuses[200, default: 0] == 20, "\(statuses)")
    }

    /// limit_conn: beyond two requests in flight nginx answers 429. Every row
    /// gets through, refusals stay a small share, and the run ends holding
    /// the highest number in flight that nginx takes (two, not one: what
    /// keeps the calls per second of two connections; not the pool's eight).
    @Test func everyRowGetsThroughLimitConn() async throws {
        let (result, statuses) = try await applyThroughNginx(
            ["--conn", "2"], referrals: 40, seed: 83, latency: .milliseconds(50), concurrency: 8)
        #expect(result.exitStatus == .success)
        #expect(result.summary.counts[.updated] == 40)
        #expect(statuses[200, default: 0] == 80, "\(statuses)")
        #expect(statuses[429, default: 0] <= 16, "\(statuses)")
        #expect(result.summary.pacing.inFlightLimit == 2)
    }
}
