import ReferralModel

/// The tenant's limit over time: `initial` requests per second from the
/// first request, then each step's limit from its offset on
/// (`--rate-schedule 12s:60,24s:150`).
package struct RateSchedule: Sendable, Equatable {
    package struct Step: Sendable, Equatable {
        package var after: Duration
        package var limit: Double
    }

    /// Why `--rate-schedule` is refused.
    package enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// `item` is not `DURATION:LIMIT` with a positive limit.
        case notAStep(String)
        /// A step at `after` follows one at `previous`, not before it.
        case outOfOrder(after: Duration, previous: Duration)

        package var description: String {
            switch self {
            case .notAStep(let item): "'\(item)' is not a step; write e.g. 12s:60 (at 12 s, 60 requests/s)"
            case .outOfOrder: "the steps of a rate schedule must be in increasing order of time"
            }
        }
    }

    package var initial: Double
    /// In increasing order of `after`.
    package private(set) var steps: [Step]

    package init(initial: Double, steps: [Step] = []) {
        self.initial = initial
        self.steps = steps.sorted { $0.after < $1.after }
    }

    /// `12s:60,24s:150`: at 12 s after the first request the limit becomes 60/s, at 24 s 150/s.
    package static func parseSteps(_ text: String) throws(ParseError) -> [Step] {
        var steps: [Step] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let after = try? DurationText.parse(String(parts[0]), within: .zero ... .seconds(86_400)), let limit = Double(String(parts[1])),
                limit > 0, limit.isFinite
            else {
                throw .notAStep(String(item))
            }
            if let last = steps.last, last.after >= after {
                throw .outOfOrder(after: after, previous: last.after)
            }
            steps.append(Step(after: after, limit: limit))
        }
        return steps
    }

    /// The limit in force `elapsed` after the first request.
    package func limit(at elapsed: Duration) -> Double {
        steps.last { $0.after <= elapsed }?.limit ?? initial
    }

    /// The calls the limit allowed between two offsets: ∫ limit dt.
    package func allowance(from start: Duration, to end: Duration) -> Double {
        guard end > start else { return 0 }
        var total = 0.0
        var cursor = start
        for step in steps where step.after > start && step.after < end {
            total += limit(at: cursor) * (step.after - cursor).inSeconds
            cursor = step.after
        }
        return total + limit(at: cursor) * (end - cursor).inSeconds
    }
}
