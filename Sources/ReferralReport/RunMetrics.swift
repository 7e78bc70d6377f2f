import Foundation
import Prometheus
import ReferralModel
import ReferralOutcome
import ReferralPlan

/// A run's outcome in Prometheus' text format, for node_exporter's textfile
/// collector: when it started and ended, how it ended, what it did, and
/// when the last fully successful run ended, which is carried over from the
/// previous file when this run was not one, so "no successful run for 26
/// hours" can be alerted on. Pure: `MetricsFile` writes it.
package enum RunMetrics {
    static let lastSuccess = "referral_bulk_last_success_timestamp_seconds"

    /// `job` (the input's name) and `shard` (`K/N`) when the run is one shard
    /// of several, so each shard's file says which it is; none otherwise.
    package static func labels(input: String, shard: ShardSelector?) -> [(String, String)] {
        guard let shard else { return [] }
        let name = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        return [("job", name), ("shard", shard.description)]
    }

    package static func text(_ summary: RunSummary, labels: [(String, String)], previous: String?, signIn: SignInTimes? = nil) -> String {
        let registry = PrometheusCollectorRegistry()
        /// `referral_bulk_<name>[_<unit>]`
        func gauge(_ name: String, unit: String = "", _ help: String, _ value: Double, extra: [(String, String)] = []) {
            let descriptor = MetricNameDescriptor(namespace: "referral_bulk", metricName: name, unitName: unit, helpText: help)
            registry.makeGauge(descriptor: descriptor, labels: labels + extra).set(value)
        }
        let ended = summary.finished.timeIntervalSince1970
        gauge("last_run_start_timestamp", unit: "seconds", "When the last run started (Unix time).", summary.started.timeIntervalSince1970)
        gauge("last_run_end_timestamp", unit: "seconds", "When the last run ended (Unix time).", ended)
        let success = summary.exitStatus == .success ? ended : previous.flatMap(lastSuccess(in:)) ?? 0
        gauge("last_success_timestamp", unit: "seconds", "When the last run that applied every row ended (Unix time; 0: none yet).", success)
        gauge("last_run_exit_code", "Exit code of the last run (0 all applied, 1 some rows not, 3 aborted).", Double(summary.exitStatus.rawValue))
        gauge("last_run_duration", unit: "seconds", "Wall time of the last run.", summary.wallSeconds)
        gauge("last_run_rows", "Input rows the last run accounted for.", Double(summary.rows))
        gauge("last_run_retries", "Retried calls in the last run.", Double(summary.retries))
        gauge("last_run_throttled_429", "429 answers in the last run.", Double(summary.throttled))
        if let limit = summary.pacing.limitFound {
            gauge("last_run_limit_found", unit: "per_second", "The request rate the rate controller settled on in the last run.", limit)
        }
        for kind in Outcome.Kind.allCases where kind != .wouldUpdate {
            gauge(
                "last_run_documents", "Documents of the last run, by outcome.", Double(summary.counts[kind, default: 0]),
                extra: [("outcome", kind.rawValue)])
        }
        if let signIn {
            // Ages at the run's end: the alert rule in samples/ warns two weeks before 90 days.
            gauge("sign_in_age", unit: "seconds", "Time since the person signed in (referral-bulk login) at the last run's end.", max(ended - Double(signIn.signedIn), 0).rounded())
            gauge("refresh_token_age", unit: "seconds", "Age of the refresh token on file at the last run's end (it rotates on every use).", max(ended - Double(signIn.refreshIssued), 0).rounded())
        }
        return registry.emitToString()
    }

    /// The last success a previous file recorded, if any.
    static func lastSuccess(in previous: String) -> Double? {
        for line in previous.split(separator: "\n") where line.hasPrefix(lastSuccess + "{") || line.hasPrefix(lastSuccess + " ") {
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }), value > 0 { return value }
        }
        return nil
    }
}
