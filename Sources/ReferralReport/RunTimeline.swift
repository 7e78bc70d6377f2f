import ReferralInput
import ReferralOutcome
import ReferralPlan

/// What happened in each second of a run, counted as outcomes arrive: the
/// data behind report.html's throughput chart, written as `timeline.csv`.
/// One small entry per second of wall time, so a day-long run holds 86,400.
package struct RunTimeline: Sendable {
    package struct Second: Sendable, Equatable {
        package var documents = 0
        package var rows = 0
        package var retries = 0
        package var throttled = 0
        package var notApplied = 0

        static func + (lhs: Second, rhs: Second) -> Second {
            Second(
                documents: lhs.documents + rhs.documents, rows: lhs.rows + rhs.rows, retries: lhs.retries + rhs.retries,
                throttled: lhs.throttled + rhs.throttled, notApplied: lhs.notApplied + rhs.notApplied)
        }
    }

    package private(set) var seconds: [Second] = []

    package init() {}

    /// Counts `outcome` in the second (from the run's start) it finished in.
    /// Its retries and 429s are counted there too: a document's calls are
    /// not timed one by one.
    package mutating func record(_ outcome: Outcome, second: Int) {
        let second = max(0, second)
        if seconds.count <= second { seconds += Array(repeating: Second(), count: second + 1 - seconds.count) }
        seconds[second].documents += 1
        seconds[second].rows += max(1, outcome.document.sourceRows.count)
        seconds[second].retries += outcome.retries
        seconds[second].throttled += outcome.throttled
        if !outcome.kind.isSettled { seconds[second].notApplied += 1 }
    }

    package static let header = ["second", "documents", "rows", "retries", "throttled_429", "not_applied"]

    /// `timeline.csv`: one row per second, quiet seconds included.
    package func csv(_ writer: CSVWriter = CSVWriter()) -> [UInt8] {
        var bytes = writer.row(Self.header)
        for (index, second) in seconds.enumerated() {
            bytes += writer.row([index, second.documents, second.rows, second.retries, second.throttled, second.notApplied].map(String.init))
        }
        return bytes
    }

    /// Consecutive seconds summed into at most `maximum` slots of `width` seconds each: what a chart can draw.
    package func slots(maximum: Int) -> (width: Int, slots: [Second]) {
        let width = max(1, (seconds.count + maximum - 1) / max(1, maximum))
        let slots = stride(from: 0, to: seconds.count, by: width).map { start in
            seconds[start..<min(seconds.count, start + width)].reduce(Second(), +)
        }
        return (width, slots)
    }
}
