import ArgumentParser
import ReferralModel
import ReferralPlan
import ReferralReport
import ReferralSend

/// A duration option's value within `range` (parsing lives in the library: `DurationText`).
func parseDuration(within range: ClosedRange<Duration>) -> @Sendable (String) throws -> Duration {
    { text in
        do throws(DurationText.Problem) {
            return try DurationText.parse(text, within: range)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// Suspends until SIGINT or SIGTERM arrives.
func waitForTerminationSignal() async {
    let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
    let watcher = SignalWatcher(stop: StopSignal(), gracePeriod: .zero, onFirst: { continuation.yield($0) }, cancel: {})
    var iterator = signals.makeAsyncIterator()
    _ = await iterator.next()
    watcher.cancel()
}
