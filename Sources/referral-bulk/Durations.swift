import ArgumentParser
import ReferralBulk

/// `250ms`, `2s`, `1.5s`, `5m`, `1h`, or a bare number of seconds.
func parseDuration(_ text: String) throws -> Duration {
    guard let duration = DurationText.parse(text) else {
        throw ValidationError("'\(text)' is not a duration; write e.g. 250ms, 2s, 5m or 1h.")
    }
    return duration
}

/// Suspends until SIGINT or SIGTERM arrives.
func waitForTerminationSignal() async {
    let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
    let watcher = SignalWatcher(stop: StopSignal(), gracePeriod: .zero, onFirst: { continuation.yield($0) }, cancel: {})
    var iterator = signals.makeAsyncIterator()
    _ = await iterator.next()
    watcher.cancel()
}
