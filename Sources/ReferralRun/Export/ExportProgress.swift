import ReferralModel
import Synchronization

/// Rows and pages written so far, shared between the export and the
/// progress display.
package final class ExportProgress: Sendable {
    package struct Snapshot: Sendable {
        package var rows = 0
        package var pages = 0
        package let started: ContinuousClock.Instant

        /// `export: 12000 rows, 24 pages, 3400 rows/s`
        package func line(now: ContinuousClock.Instant) -> String {
            let elapsed = (now - started).inSeconds
            let rate = elapsed > 0 ? Int((Double(rows) / elapsed).rounded()) : 0
            return "export: \(rows) rows, \(pages) pages, \(rate) rows/s"
        }
    }

    private let state: Mutex<Snapshot>

    package init(now: ContinuousClock.Instant = .now) { state = Mutex(Snapshot(started: now)) }

    func pageWritten(rows: Int) {
        state.withLock {
            $0.rows += rows
            $0.pages += 1
        }
    }

    package var snapshot: Snapshot { state.withLock { $0 } }
}
