import Testing

@testable import ReferralSend

@Suite struct RateQuotaTests {
    @Test func readsTheIETFStructuredFields() {
        let quota = RateQuota.parse([("RateLimit-Policy", #""tenant";q=100;w=10"#), ("RateLimit", #""tenant";r=42;t=3"#)])
        #expect(quota == RateQuota(limit: 100, window: .seconds(10), remaining: 42, reset: .seconds(3)))
        #expect(quota?.rate == 14)
        #expect(quota?.limitRate == 10)
    }

    @Test func readsTheOlderDraftsSeparateFields() {
        let quota = RateQuota.parse([("ratelimit-limit", "100, 100;w=60"), ("RateLimit-Remaining", "30"), ("RateLimit-Reset", "15")])
        #expect(quota == RateQuota(limit: 100, window: .seconds(60), remaining: 30, reset: .seconds(15)))
        #expect(quota?.rate == 2)
    }

    @Test func readsTheOlderDraftsSingleField() {
        let quota = RateQuota.parse([("RateLimit", "limit=100, remaining=50, reset=5")])
        #expect(quota?.limit == 100)
        #expect(quota?.remaining == 50)
        #expect(quota?.reset == .seconds(5))
    }

    @Test func theSmallestAzureRemainingBinds() {
        let quota = RateQuota.parse([
            ("x-ms-ratelimit-remaining-tenant-writes", "1190"), ("x-ms-ratelimit-remaining-tenant-reads", "11"),
        ])
        #expect(quota?.remaining == 11)
        #expect(quota?.rate == nil)  // no reset: nothing to spread it over
    }

    @Test func noQuotaHeadersNoQuota() {
        #expect(RateQuota.parse([("Content-Type", "application/json"), ("RateLimit-Remaining", "lots")]) == nil)
    }
}
