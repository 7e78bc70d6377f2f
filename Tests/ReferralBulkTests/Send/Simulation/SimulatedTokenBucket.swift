/// A token bucket whose refill rate may change over time (a step change),
/// holding up to one second's worth of calls (at least one) unless told
/// its burst, as the sandbox's `--rate-limit`, `--rate-burst` and
/// `--rate-retry-after` have it.
struct SimulatedTokenBucket: SimulatedLimiter {
    /// (from this offset in seconds on, this many calls per second), in order; the first from 0.
    let schedule: [(from: Double, rate: Double)]
    /// The bucket's size; nil: one second's worth at the current rate.
    let burst: Double?
    /// The `Retry-After` every refusal says; nil: when the next token comes.
    let fixedRetryAfter: Duration?
    private var tokens: Double
    private var refilled: Int64 = 0

    init(rate: Double, burst: Double? = nil, retryAfter: Duration? = nil) {
        self.init(schedule: [(0, rate)], burst: burst, retryAfter: retryAfter)
    }

    init(schedule: [(from: Double, rate: Double)], burst: Double? = nil, retryAfter: Duration? = nil) {
        self.schedule = schedule
        self.burst = burst
        fixedRetryAfter = retryAfter
        tokens = burst ?? max(1, schedule[0].rate)
    }

    func rate(at seconds: Double) -> Double {
        schedule.last { $0.from <= seconds }!.rate
    }

    mutating func take(at time: Int64) -> SimulatedRefusal? {
        let seconds = Double(time) / 1e9
        let rate = rate(at: seconds)
        tokens = min(burst ?? max(1, rate), tokens + Double(time - refilled) / 1e9 * rate)
        refilled = time
        guard tokens < 1 else {
            tokens -= 1
            return nil
        }
        if let fixedRetryAfter { return SimulatedRefusal(retryAfter: fixedRetryAfter) }
        return Self.retryAfter(seconds: (1 - tokens) / rate)
    }

    func allowance(until time: Int64) -> Double {
        let end = Double(time) / 1e9
        var total = 0.0
        for (index, step) in schedule.enumerated() where step.from < end {
            let stepEnd = index + 1 < schedule.count ? min(end, schedule[index + 1].from) : end
            total += (stepEnd - step.from) * step.rate
        }
        return total
    }
}
