import Foundation
import Testing

@testable import ReferralPlan
@testable import ReferralSend

/// A random source that always returns the same fraction of the range.
struct FixedRandom: RandomNumberGenerator {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}

@Suite struct RetryTests {
    @Test func retriesOnlyWhatMayWork() {
        for status in [408, 429, 500, 502, 503, 504] { #expect(RetryPolicy.isRetryable(status: status)) }
        for status in [200, 204, 400, 401, 403, 404, 409, 412, 422] { #expect(!RetryPolicy.isRetryable(status: status)) }
    }

    @Test func fullJitterStaysUnderTheExponentialCeilingAndTheCap() {
        let policy = RetryPolicy(maxAttempts: 10, base: .milliseconds(500), cap: .seconds(30))
        var top = FixedRandom(value: .max)
        func close(_ delay: Duration, to expected: Duration) -> Bool { delay <= expected && delay > expected - .microseconds(1) }
        #expect(close(policy.delay(afterAttempt: 1, retryAfter: nil, random: &top), to: .milliseconds(500)))
        #expect(close(policy.delay(afterAttempt: 3, retryAfter: nil, random: &top), to: .seconds(2)))
        #expect(close(policy.delay(afterAttempt: 9, retryAfter: nil, random: &top), to: .seconds(30)))
        var middle = FixedRandom(value: 1 << 63)
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil, random: &middle) == .milliseconds(500))
        var bottom = FixedRandom(value: 0)
        #expect(policy.delay(afterAttempt: 5, retryAfter: nil, random: &bottom) == .zero)
    }

    @Test func retryAfterIsAFloor() {
        var bottom = FixedRandom(value: 0)
        #expect(RetryPolicy().delay(afterAttempt: 1, retryAfter: .seconds(2), random: &bottom) == .seconds(2))
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        #expect(RetryPolicy.retryAfter("120", now: now) == .seconds(120))
        #expect(RetryPolicy.retryAfter("Tue, 14 Nov 2023 22:13:25 GMT", now: now) == .seconds(5))
        #expect(RetryPolicy.retryAfter("Tue, 14 Nov 2023 22:00:00 GMT", now: now) == .zero)
        #expect(RetryPolicy.retryAfter("soon", now: now) == nil)
        #expect(RetryPolicy.retryAfter(nil, now: now) == nil)
    }

    @Test func a429WithRetryAfter2WaitsAtLeast2sThenGivesUpAfterMaxAttempts() {
        var machine = CallRetryMachine(policy: RetryPolicy(maxAttempts: 3))
        var random = FixedRandom(value: 0)
        #expect(machine.next(.response(status: 429, retryAfter: .seconds(2)), random: &random) == .retry(after: .seconds(2)))
        #expect(machine.next(.transportFailure("reset"), random: &random) == .retry(after: .zero))
        #expect(machine.next(.response(status: 503, retryAfter: nil), random: &random) == .giveUp("503 after 3 attempts"))
        #expect(machine.throttled == 1)
        #expect(machine.unansweredAttempts == 1)
    }

    @Test func a401RefreshesOnceThenGivesUp() {
        var machine = CallRetryMachine(policy: RetryPolicy())
        var random = FixedRandom(value: 0)
        #expect(machine.next(.response(status: 401, retryAfter: nil), random: &random) == .refreshTokenThenRetry)
        #expect(machine.next(.response(status: 401, retryAfter: nil), random: &random) == .giveUp("401: the refreshed token was rejected too"))
    }

    @Test func finalAnswersFinish() {
        for status in [200, 204, 400, 403, 404, 412] {
            var machine = CallRetryMachine(policy: RetryPolicy())
            var random = FixedRandom(value: 0)
            #expect(machine.next(.response(status: status, retryAfter: nil), random: &random) == .finish)
        }
    }
}

@Suite struct CircuitTests {
    @Test func circuitOpensWhenMostCallsFailAndAbortsWhenItKeepsFailing() {
        var breaker = CircuitBreaker(window: 10, failureRatio: 0.8, coolDown: .seconds(5), maximumOpenings: 2)
        for _ in 0..<9 { #expect(breaker.record(success: false) == .closed) }
        #expect(breaker.record(success: false) == .open(pause: .seconds(5)))
        for _ in 0..<9 { #expect(breaker.record(success: false) == .closed) }
        #expect(breaker.record(success: false) == .abort)
    }

    @Test func successesKeepTheCircuitClosed() {
        var breaker = CircuitBreaker(window: 10, failureRatio: 0.8)
        for index in 0..<100 { #expect(breaker.record(success: index % 3 == 0) == .closed) }  // two failures in three: not "most"
    }
}

@Suite struct RetryAfterTests {
    @Test func garbageOrNegativeRetryAfterFallsBackToTheBackoff() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryPolicy.retryAfter("-5", now: now) == nil)
        #expect(RetryPolicy.retryAfter("1e9", now: now) == nil)
        #expect(RetryPolicy.retryAfter("Tue, 99 Nov 2023", now: now) == nil)
        var machine = CallRetryMachine(policy: RetryPolicy())
        var random = FixedRandom(value: 0)
        #expect(machine.next(.response(status: 429, retryAfter: nil), random: &random) == .retry(after: .zero))
    }

    @Test func aRetryAfterLongerThanTheMaximumFailsTheCallWithTheServersValue() {
        var machine = CallRetryMachine(policy: RetryPolicy(maxRetryAfter: .seconds(120)))
        var random = FixedRandom(value: 0)
        #expect(
            machine.next(.response(status: 429, retryAfter: .seconds(300)), random: &random)
                == .giveUp("429: the server asked to wait 300 s, more than --max-retry-after 120 s"))
        var patient = CallRetryMachine(policy: RetryPolicy(maxRetryAfter: .seconds(120)))
        #expect(patient.next(.response(status: 503, retryAfter: .seconds(120)), random: &random) == .retry(after: .seconds(120)))
    }

    @Test func theHTTPDateParserServesManyCallsAtOnce() async {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let results = await withTaskGroup(of: Duration?.self) { group in
            for _ in 0..<64 { group.addTask { RetryPolicy.retryAfter("Tue, 14 Nov 2023 22:13:25 GMT", now: now) } }
            return await group.reduce(into: [Duration?]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == .seconds(5) })
    }
}
