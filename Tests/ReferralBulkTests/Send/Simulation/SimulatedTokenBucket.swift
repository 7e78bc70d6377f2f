/// A token bucket whose refill rate may change over time (a step change),
/// holding up to one second's worth of calls (at least one).
struct SimulatedTokenBucket: SimulatedLimiter {
    /// (from this offset in seconds on, this many calls per second), in order; the first from 0.
    let schedule: [(from: Double, rate: Double)]
    private var tokens: Double
    private var refilled: Int64 = 0

    init(rate: Double) { self.init(schedule: [(0, rate)]) }

    init(schedule: [(from: Double, rate: Double)]) {
        self.schedule = schedule
        tokens = max(1, schedule[0].rate)
    }

    func rate(at seconds: Double) -> Double {
        schedule.last { $0.from <= seconds }!.rate
    }

    mutating func take(at time: Int64) -> Duration? {
        let seconds = Double(time) / 1e9
        let rate = rate(at: seconds)
        tokens = min(max(1, rate), tokens + Double(time - refilled) / 1e9 * rate)
        refilled = time
        guard tokens < 1 else {
            tokens -= 1
            return nil
        }
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
