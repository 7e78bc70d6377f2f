import ReferralModel
import Synchronization

/// Rows and pages written so far, shared between the export and the
/// progress display.
public final class ExportProgress: Sendable {
    public struct Snapshot: Sendable {
        public var rows = 0
        public var pages = 0
        public let started: ContinuousClock.Instant

        /// `export: 12000 rows, 24 pages, 3400 rows/s`
        public func line(now: ContinuousClock.Instant) -> String {
            let elapsed = (now - started).inSeconds
            let rate = elapsed > 0 ? Int((Double(rows) / elapsed).rounded()) : 0
            return "export: \(rows) rows, \(pages) pages, \(rate) rows/s"
        }
    }

    private let state: Mutex<Snapshot>

    public init(now: ContinuousClock.Instant = .now) { state = Mutex(Snapshot(started: now)) }

    func pageWritten(rows: Int) {
        state.withLock {
            $0.rows += rows
            $0.pages += 1
        }
    }

    public var snapshot: Snapshot { state.withLock { $0 } }
}
