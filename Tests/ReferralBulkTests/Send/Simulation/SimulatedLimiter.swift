/// A server's limit in simulated time: times are offsets from the
/// simulation's start, in nanoseconds.
protocol SimulatedLimiter {
    /// Takes one call at `time`: nil when accepted, else the refusal.
    mutating func take(at time: Int64) -> SimulatedRefusal?
    /// A call it accepted has been answered (a concurrency limit counts calls in flight).
    mutating func finish(at time: Int64)
    /// Calls the limit allowed from the start to `time` (∫ limit dt).
    func allowance(until time: Int64) -> Double
}

/// A 429, with the `Retry-After` it carried (nil: none, as nginx sends by default).
struct SimulatedRefusal: Equatable {
    var retryAfter: Duration?
}

extension SimulatedLimiter {
    mutating func finish(at time: Int64) {}

    /// `Retry-After` in whole seconds, rounded up, at least one.
    static func retryAfter(seconds: Double) -> SimulatedRefusal {
        SimulatedRefusal(retryAfter: .seconds(max(1, Int(seconds.rounded(.up)))))
    }
}
