import ReferralOutcome
import ReferralPlan
import Synchronization

/// Live counts of a run, updated as outcomes are recorded and read by the
/// progress display from another task.
package final class RunProgress: Sendable {
    package struct Snapshot: Sendable {
        package var counts: [Outcome.Kind: Int] = [:]
        package var documents = 0
        package var rows = 0
        /// Rows the input holds, when it could be counted beforehand (a regular file).
        package var estimatedTotalRows: Int?
        package var started: ContinuousClock.Instant
        /// The pace the rate controller holds (nil: still searching, or no limit met).
        package var pace: Double?
        /// Calls answered 429 so far.
        package var throttled = 0
        /// The message of the latest document that failed, so a person
        /// watching sees why ("no answer (connection refused) after 6 attempts").
        package var latestFailure: String?

        /// `updated 120 · unchanged 3 · failed 1` (kinds with a count only, in table order).
        package var countsLine: String {
            Outcome.Kind.allCases.compactMap { kind in
                counts[kind].map { "\(kind.rawValue) \($0)" }
            }.joined(separator: " · ")
        }
    }

    private let state: Mutex<Snapshot>

    package init(estimatedTotalRows: Int?, started: ContinuousClock.Instant = .now) {
        state = Mutex(Snapshot(estimatedTotalRows: estimatedTotalRows, started: started))
    }

    package func record(_ outcome: Outcome) {
        state.withLock {
            $0.counts[outcome.kind, default: 0] += 1
            $0.documents += 1
            $0.rows += max(1, outcome.document.sourceRows.count)
            $0.throttled += outcome.throttled
            if outcome.kind == .failed { $0.latestFailure = outcome.message }
        }
    }

    /// The rate controller's pace, as it changes.
    package func pace(_ rate: Double?) {
        state.withLock { $0.pace = rate }
    }

    package var snapshot: Snapshot { state.withLock { $0 } }

    /// Sending starts now (after any question to the person running it): rates count from here.
    package func start(at now: ContinuousClock.Instant = .now) {
        state.withLock { $0.started = now }
    }
}
