/// Durations as a person writes them on a command line: `250ms`, `2s`,
/// `1.5s`, `5m`, `1h`, or a bare number of seconds. Checked against the
/// option's range before anything is converted, so no input (`1e20s`,
/// `10000000000s`, `nan`) can overflow a clock later.
package enum DurationText {
    package enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case notADuration(String)
        case outOfRange(String, ClosedRange<Duration>)

        package var description: String {
            switch self {
            case .notADuration(let text):
                "'\(text)' is not a duration; write e.g. 250ms, 2s, 5m or 1h."
            case .outOfRange(let text, let range):
                "'\(text)' is outside \(DurationText.format(range.lowerBound))…\(DurationText.format(range.upperBound))."
            }
        }
    }

    package static func parse(_ text: String, within range: ClosedRange<Duration>) throws(Problem) -> Duration {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("", 1)]
        guard let (number, scale) = units.lazy.compactMap({ suffix, scale -> (Double, Double)? in
            guard text.hasSuffix(suffix), let number = Double(text.dropLast(suffix.count)) else { return nil }
            return (number, scale)
        }).first, number.isFinite, number >= 0
        else { throw .notADuration(text) }
        let total = (number * scale * 1000).rounded()
        guard total >= milliseconds(range.lowerBound), total <= milliseconds(range.upperBound) else {
            throw .outOfRange(text, range)
        }
        return .milliseconds(Int64(total))
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// A wait in a sentence, in seconds as the options take them: `120 s`, `0.5 s`
    /// (`the server asked to wait 300 s, more than --max-retry-after 120 s`).
    package static func seconds(_ duration: Duration) -> String {
        let seconds = duration.inSeconds
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }

    /// An age or a time left, to the two largest units: `3 d 4 h`, `2 h 5 min`, `40 s` (`login --status`).
    package static func age(seconds: Int64) -> String {
        let s = max(seconds, 0)
        if s >= 86_400 { return "\(s / 86_400) d \(s % 86_400 / 3600) h" }
        if s >= 3600 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        if s >= 60 { return "\(s / 60) min" }
        return "\(s) s"
    }

    /// `250ms`, `30s`, `5m`, `1h`: the largest unit that divides it, as an option is written.
    static func format(_ duration: Duration) -> String {
        let total = Int64(milliseconds(duration))
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000)] where total >= size && total % size == 0 {
            return "\(total / size)\(unit)"
        }
        return "\(total)ms"
    }
}

extension Duration {
    /// Whole nanoseconds, saturating at `Int64`'s bounds instead of trapping.
    package var saturatingNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, carry) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        guard !overflow, !carry else { return seconds < 0 ? .min : .max }
        return total
    }
}
