import ReferralModel
import ReferralOutcome

/// Formats a run's progress for a person: a bar for a terminal, a plain
/// log line for cron. Pure, so its output is tested without a terminal.
package enum ProgressLine {
    package static func bar(_ snapshot: RunProgress.Snapshot, now: ContinuousClock.Instant, width: Int = 24) -> String {
        let elapsed = (now - snapshot.started).inSeconds
        let rate = elapsed > 0 ? Double(snapshot.rows) / elapsed : 0
        var line = ""
        if let total = snapshot.estimatedTotalRows, total > 0 {
            let fraction = min(1, Double(snapshot.rows) / Double(total))
            let filled = Int(fraction * Double(width))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            line += "\(snapshot.rows)/\(total) rows"
            if rate > 0, snapshot.rows < total {
                line += "  ETA \(duration(Double(total - snapshot.rows) / rate))"
            }
        } else {
            line += "\(snapshot.rows) rows"
        }
        line += "  \(Int(rate.rounded())) rows/s"
        if let pace = snapshot.pace {
            line += "  pacing \(RateText.perSecond(pace)), \(snapshot.throttled) throttled"
        } else if snapshot.throttled > 0 {
            line += "  \(snapshot.throttled) throttled"
        }
        let counts = snapshot.countsLine
        if !counts.isEmpty { line += "  " + counts }
        if let failure = snapshot.latestFailure { line += "  last failure: " + ServerText.clean(failure, limit: 80) }
        return line
    }

    /// The line cut to fit `columns` (one column left free, so the cursor
    /// never wraps): the bar goes first, then the end of the line.
    package static func fitted(_ line: String, columns: Int) -> String {
        let room = max(1, columns - 1)
        guard line.count > room else { return line }
        let withoutBar = line.hasPrefix("[") ? line.drop { $0 != "]" }.dropFirst().drop { $0 == " " } : Substring(line)
        guard withoutBar.count > room else { return String(withoutBar) }
        return withoutBar.prefix(room - 1) + "…"
    }

    /// One line for a log: no bar, no control characters.
    package static func log(_ snapshot: RunProgress.Snapshot, now: ContinuousClock.Instant) -> String {
        "progress: " + bar(snapshot, now: now, width: 0).replacingBar()
    }

    /// `42s`, `3m05s`, `1h02m`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(pad(total % 60))s" }
        return "\(total / 3600)h\(pad(total % 3600 / 60))m"
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

extension String {
    fileprivate func replacingBar() -> String { hasPrefix("[] ") ? String(dropFirst(3)) : self }
}
