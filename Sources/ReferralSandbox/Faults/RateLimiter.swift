import Synchronization

/// A token bucket for the tenant: `rate` requests a second, bursts of up to
/// one second's worth (at least one request). Real time, by nature; answers how long to wait.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var refilled: ContinuousClock.Instant
    }

    let rate: Double
    private let bucket: Mutex<Bucket>

    init(rate: Double) {
        self.rate = rate
        bucket = Mutex(Bucket(tokens: max(1, rate), refilled: .now))
    }

    /// Takes a token, or returns the whole seconds to wait (at least 1) for one.
    func take(now: ContinuousClock.Instant = .now) -> Int? {
        bucket.withLock { bucket in
            let elapsed = now - bucket.refilled
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(max(1, rate), bucket.tokens + seconds * rate)
            bucket.refilled = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}
