import Foundation
import ReferralOutcome
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralReport
@testable import ReferralSend

@Suite struct RunMetricsTests {
    func summary(_ status: ReferralModel.ExitStatus, endedAt seconds: Double) -> RunSummary {
        var summary = RunSummary()
        summary.started = Date(timeIntervalSince1970: seconds - 60)
        summary.finished = Date(timeIntervalSince1970: seconds)
        summary.exitStatus = status
        summary.counts = [.updated: 7, .failed: status == .success ? 0 : 2]
        summary.rows = 9
        summary.throttled = 4
        summary.pacing.limitFound = 37.5
        return summary
    }

    @Test func aFailedRunKeepsTheLastSuccessOfThePreviousFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).prom").path
        defer { unlink(path) }
        let labels = RunMetrics.labels(input: "/data/crm-export.csv", shard: try ShardSelector(parsing: "1/4"))
        let file = MetricsFile(path: path, labels: labels)
        try file.write(summary(.success, endedAt: 1_800_000_000))
        try file.write(summary(.someRowsNotApplied, endedAt: 1_800_086_400))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("referral_bulk_last_success_timestamp_seconds{job=\"crm-export\",shard=\"1/4\"} 1800000000"))
        #expect(text.contains("referral_bulk_last_run_end_timestamp_seconds{job=\"crm-export\",shard=\"1/4\"} 1800086400"))
        #expect(text.contains("referral_bulk_last_run_exit_code{job=\"crm-export\",shard=\"1/4\"} 1"))
        #expect(text.contains("referral_bulk_last_run_documents{job=\"crm-export\",shard=\"1/4\",outcome=\"failed\"} 2"))
        #expect(text.contains("referral_bulk_last_run_throttled_429{job=\"crm-export\",shard=\"1/4\"} 4"))
        #expect(text.contains("# HELP referral_bulk_last_run_rows"))
        #expect(text.contains("referral_bulk_last_run_limit_found_per_second{job=\"crm-export\",shard=\"1/4\"} 37.5"))
        // Only the renamed file is left: the collector never sees a temporary one.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let name = URL(fileURLWithPath: path).lastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(name) } == [name])
    }

    @Test func aMetricsFileThatCannotBeWrittenSaysWhy() {
        let file = MetricsFile(path: "/nonexistent-folder/run.prom", labels: [])
        let error = #expect(throws: MetricsFile.Failure.self) { try file.write(summary(.success, endedAt: 1_800_000_000)) }
        #expect(error?.description == "cannot write the metrics file /nonexistent-folder/run.prom: No such file or directory")
    }

    @Test func withoutAnEarlierSuccessTheLastSuccessIsZeroAndUnshardedRunsHaveNoLabels() {
        let text = RunMetrics.text(summary(.aborted, endedAt: 1_800_000_000), labels: RunMetrics.labels(input: "x.csv", shard: nil), previous: nil)
        #expect(text.contains("referral_bulk_last_success_timestamp_seconds 0"))
        #expect(text.contains("referral_bulk_last_run_exit_code 3"))
    }

    @Test func aRunFromTheTokenCacheReportsTheSignInsAndTheRefreshTokensAge() throws {
        let ended = 1_800_000_000.0
        let signIn = SignInTimes(signedIn: Int64(ended) - 80 * 86_400, refreshIssued: Int64(ended) - 86_400)
        let text = RunMetrics.text(summary(.success, endedAt: ended), labels: [], previous: nil, signIn: signIn)
        #expect(text.contains("referral_bulk_sign_in_age_seconds 6912000"))
        #expect(text.contains("referral_bulk_refresh_token_age_seconds 86400"))
        // The sample alert rule reads this gauge, two weeks before 90 days.
        let rules = try String(contentsOfFile: Fixtures.repository.appendingPathComponent("samples/cron/referral-bulk-alerts.yml").path, encoding: .utf8)
        #expect(rules.contains("expr: referral_bulk_sign_in_age_seconds > (90 - 14) * 86400"))
        // Without a cache (a token from the environment, a file, a command) there is no age to report.
        #expect(!RunMetrics.text(summary(.success, endedAt: ended), labels: [], previous: nil).contains("sign_in_age"))
    }
}
