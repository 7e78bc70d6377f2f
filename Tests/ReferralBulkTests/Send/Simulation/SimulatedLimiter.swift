/// A server's rate limit in simulated time: times are offsets from the
/// simulation's start, in nanoseconds.
protocol SimulatedLimiter {
    /// Takes one call at `time`: nil when accepted, else the `Retry-After`
    /// the server would send (whole seconds, at least one, as HTTP has it).
    mutating func take(at time: Int64) -> Duration?
    /// Calls the limit allowed from the start to `time` (∫ limit dt).
    func allowance(until time: Int64) -> Double
}

extension SimulatedLimiter {
    /// `Retry-After` in whole seconds, rounded up, at least one.
    static func retryAfter(seconds: Double) -> Duration {
        .seconds(max(1, Int(seconds.rounded(.up))))
    }
}
