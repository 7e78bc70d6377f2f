import Foundation
import ReferralModel
import ReferralOutcome
import ReferralReport
import ReferralRun
import ReferralSandbox
import Testing

/// `apply` against a rate-limited sandbox: what the run reports about the
/// limit. Counts and values only, never durations.
@Suite struct ThrottleEndToEndTests {
    @Test func anAnnouncedQuotaIsFollowedAndRecordedAsTheLimitFound() async throws {
        let referrals = openReferrals(40, seed: 21)
        try await ApplyHarness.with(
            sandbox: {
                $0.rateLimit = 40
                $0.rateHeaders = true
            }, referrals: referrals
        ) { harness in
            let result = try await harness.apply(try harness.write("input.csv", wideInput(referrals)), report: "run")
            #expect(result.exitStatus == .success)
            #expect(result.summary.counts[.updated] == 40)
            // The sandbox announces 40 calls per 1 s window: that is the limit found.
            #expect(result.summary.pacing.limitFound == 40)
            let json = try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: harness.path("run", "summary.json"))))
            #expect(json["pacing"]?["limitFoundPerSecond"] == 40)
        }
    }

    @Test func a429EpisodeIsCountedAndTheLimitFoundIsRecorded() async throws {
        let referrals = openReferrals(20, seed: 22)
        try await ApplyHarness.with(sandbox: { $0.rateLimit = 5 }, referrals: referrals) { harness in
            let result = try await harness.apply(try harness.write("input.csv", wideInput(referrals)), report: "run")
            #expect(result.exitStatus == .success)
            #expect(result.summary.counts[.updated] == 20)
            // 40 calls against 5/s with a 5-call burst: slow start, which begins at 8/s, meets the limit.
            #expect(result.summary.throttled > 0)
            let found = try #require(result.summary.pacing.limitFound)
            #expect(found > 0 && found <= 10)
        }
    }
}
