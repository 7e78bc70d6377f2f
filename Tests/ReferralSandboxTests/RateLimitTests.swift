import AsyncHTTPClient
import Foundation
import NIOHTTP1
import ReferralModel
import ReferralSandboxTesting
import ReferralSend
import Testing

@testable import ReferralSandbox

/// The sandbox's tenant limit: its shapes, what it announces, and the
/// counters a benchmark reads.
@Suite struct RateLimitTests {
    let body = #"[{"op":"replace","path":"/details/notes","value":"limited"}]"#

    @Test func readsCountAgainstTheLimitAsWritesDo() async throws {
        try await TestSandbox.with({ $0.rateLimit = 0.001 }) { harness in
            let id = try TestSandbox.sampleID(1)
            #expect(try await harness.get(id).status == 200)  // the bucket holds one request
            #expect(try await harness.patch(id, body).status == 429)
            #expect(try await harness.get(id).status == 429)
        }
    }

    @Test func everyTokenSharesTheTenantsLimit() async throws {
        try await TestSandbox.with({ $0.rateLimit = 0.001 }) { harness in
            let id = try TestSandbox.sampleID(1)
            #expect(try await harness.get(id).status == 200)
            #expect(try await harness.get(id, token: harness.sandbox.tokens[.globalAdmin]!).status == 429)
        }
    }

    @Test func aFixedWindowRefusesPastItsQuotaUntilItResets() async throws {
        try await TestSandbox.with({
            $0.rateLimit = 1
            $0.rateWindow = .seconds(30)
        }) { harness in
            let id = try TestSandbox.sampleID(1)
            for _ in 0..<30 { #expect(try await harness.get(id).status == 200) }  // 1/s × 30 s
            let refused = try await harness.get(id)
            #expect(refused.status == 429)
            // Until the window resets: at most its 30 s, less the time the 30 calls took (no tight timing).
            #expect((1...30).contains(Int(refused.headers.first(name: "Retry-After") ?? "") ?? 0))
        }
    }

    @Test func aBurstOfOneRefusesTheSecondCallAtOnceAndRefillsAtTheRate() {
        let limiter = RateLimiter(schedule: RateSchedule(initial: 8), shape: .tokenBucket(burst: 1))
        let start = ContinuousClock.now
        #expect(limiter.take(now: start).retryAfter == nil)
        #expect(limiter.take(now: start).retryAfter != nil)  // one call's worth, not a second's (8)
        #expect(limiter.take(now: start + .milliseconds(130)).retryAfter == nil)  // 1/8 s later: one token
    }

    @Test func aToldRetryAfterReplacesTheRealWait() async throws {
        try await TestSandbox.with({
            $0.rateLimit = 0.001
            $0.rateRetryAfter = "-5"
        }) { harness in
            let id = try TestSandbox.sampleID(1)
            #expect(try await harness.get(id).status == 200)
            let refused = try await harness.get(id)
            #expect(refused.status == 429)
            #expect(refused.headers.first(name: "Retry-After") == "-5")
        }
    }

    @Test func rateHeadersAnnounceTheQuotaTheClientReads() async throws {
        try await TestSandbox.with({
            $0.rateLimit = 5
            $0.rateHeaders = true
        }) { harness in
            let reply = try await harness.get(try TestSandbox.sampleID(1))
            let headers = reply.headers.map { ($0.name, $0.value) }
            #expect(reply.headers.first(name: "RateLimit-Policy") == #""tenant";q=5;w=1"#)
            let quota = try #require(RateQuota.parse(headers))
            #expect(quota.limitRate == 5)
            #expect(quota.remaining == 4)
        }
    }

    @Test func withoutRateHeadersNothingIsAnnounced() async throws {
        try await TestSandbox.with({ $0.rateLimit = 5 }) { harness in
            let reply = try await harness.get(try TestSandbox.sampleID(1))
            #expect(RateQuota.parse(reply.headers.map { ($0.name, $0.value) }) == nil)
        }
    }

    @Test func statsCountWhatTheLimitAcceptedAndRefused() async throws {
        try await TestSandbox.with({ $0.rateLimit = 0.001 }) { harness in
            let id = try TestSandbox.sampleID(1)
            _ = try await harness.get(id)
            _ = try await harness.get(id)
            _ = try await harness.patch(id, body)
            let stats = try await harness.send(.GET, "/_sandbox/stats").json
            #expect(stats?["accepted"] == 1)
            #expect(stats?["refused"] == 2)
            #expect(stats?["limited"] == true)
        }
    }

    @Test func aScheduleChangesTheBucketsRateFromTheFirstRequest() {
        let start = ContinuousClock.now
        let limiter = RateLimiter(schedule: RateSchedule(initial: 2, steps: [.init(after: .seconds(10), limit: 100)]))
        #expect(limiter.take(now: start).retryAfter == nil)
        #expect(limiter.take(now: start).retryAfter == nil)
        #expect(limiter.take(now: start).retryAfter == 1)  // 2/s: the burst is spent
        // From 10 s on, 100/s: a full second refills a bucket of 100.
        var accepted = 0
        for _ in 0..<150 where limiter.take(now: start + .seconds(11)).retryAfter == nil { accepted += 1 }
        #expect(accepted == 100)
        #expect(limiter.stats.accepted == 102)
        #expect(limiter.stats.refused == 51)
        #expect(limiter.stats.allowance == 120)
    }

    @Test func aWindowsQuotaFollowsTheScheduleToo() {
        let start = ContinuousClock.now
        let limiter = RateLimiter(
            schedule: RateSchedule(initial: 1, steps: [.init(after: .seconds(10), limit: 3)]), shape: .fixedWindow(.seconds(10)))
        var first = 0, second = 0
        for _ in 0..<50 where limiter.take(now: start).retryAfter == nil { first += 1 }
        for _ in 0..<50 where limiter.take(now: start + .seconds(10)).retryAfter == nil { second += 1 }
        #expect(first == 10)
        #expect(second == 30)
    }
}

@Suite struct RateScheduleTests {
    @Test func parsesStepsInOrder() throws {
        let steps = try RateSchedule.parseSteps("12s:60,24s:150")
        #expect(steps == [.init(after: .seconds(12), limit: 60), .init(after: .seconds(24), limit: 150)])
        let schedule = RateSchedule(initial: 150, steps: steps)
        #expect(schedule.limit(at: .seconds(11)) == 150)
        #expect(schedule.limit(at: .seconds(12)) == 60)
        #expect(schedule.limit(at: .seconds(30)) == 150)
        let expected: Double = 150 * 12 + 60 * 12 + 150 * 12
        #expect(schedule.allowance(from: .zero, to: .seconds(36)) == expected)
    }

    @Test func refusesStepsThatAreNotStepsOrOutOfOrder() {
        for text in ["12s", "12s:", "x:60", "12s:-1", "12s:0", "", "1e20s:5"] {
            #expect(throws: RateSchedule.ParseError.notAStep(text)) { try RateSchedule.parseSteps(text) }
        }
        #expect(throws: RateSchedule.ParseError.notAStep("x")) { try RateSchedule.parseSteps("12s:60,x") }
        #expect(throws: RateSchedule.ParseError.outOfOrder(after: .seconds(12), previous: .seconds(24))) {
            try RateSchedule.parseSteps("24s:60,12s:150")
        }
    }
}
