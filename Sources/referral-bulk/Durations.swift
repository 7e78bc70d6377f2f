import ArgumentParser
import ReferralBulk

/// `250ms`, `2s`, `1.5s`, `5m`, `1h`, or a bare number of seconds.
func parseDuration(_ text: String) throws -> Duration {
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
    for (suffix, scale) in units where text.hasSuffix(suffix) {
        if let value = Double(text.dropLast(suffix.count)), value >= 0, value.isFinite {
            return .milliseconds(Int64((value * scale * 1000).rounded()))
        }
    }
    if let value = Double(text), value >= 0, value.isFinite { return .milliseconds(Int64((value * 1000).rounded())) }
    throw ValidationError("'\(text)' is not a duration; write e.g. 250ms, 2s, 5m or 1h.")
}

/// Suspends until SIGINT or SIGTERM arrives.
func waitForTerminationSignal() async {
    let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
    let watcher = SignalWatcher(stop: StopSignal(), gracePeriod: .zero, onFirst: { continuation.yield($0) }, cancel: {})
    var iterator = signals.makeAsyncIterator()
    _ = await iterator.next()
    watcher.cancel()
}
