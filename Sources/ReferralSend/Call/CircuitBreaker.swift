/// Stops a run that would only burn through the file: over the last
/// `window` calls, if at least `failureRatio` failed (retries exhausted,
/// no answer, 5xx), the circuit opens and the run pauses for `coolDown`;
/// after `maximumOpenings` openings in a row without a success between
/// them, it aborts (exit 3, resumable). A pure state machine.
package struct CircuitBreaker: Sendable {
    package enum Verdict: Sendable, Equatable {
        case closed
        /// Pause new calls for this long, then try again.
        case open(pause: Duration)
        case abort
    }

    package var window: Int
    package var failureRatio: Double
    package var coolDown: Duration
    package var maximumOpenings: Int
    private var results: [Bool] = []
    private var next = 0
    private var openings = 0

    package init(window: Int = 50, failureRatio: Double = 0.8, coolDown: Duration = .seconds(10), maximumOpenings: Int = 3) {
        self.window = window
        self.failureRatio = failureRatio
        self.coolDown = coolDown
        self.maximumOpenings = maximumOpenings
    }

    /// Records whether a document's calls succeeded at the API level (any
    /// answer that is not a server failure counts as a success here).
    package mutating func record(success: Bool) -> Verdict {
        if results.count < window {
            results.append(success)
        } else {
            results[next] = success
            next = (next + 1) % window
        }
        if success {
            openings = 0
            return .closed
        }
        let failures = results.count { !$0 }
        guard results.count == window, Double(failures) >= failureRatio * Double(window) else { return .closed }
        openings += 1
        results.removeAll(keepingCapacity: true)
        next = 0
        return openings >= maximumOpenings ? .abort : .open(pause: coolDown)
    }
}
