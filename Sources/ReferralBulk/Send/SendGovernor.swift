/// The run-wide side of sending, shared by every worker: the request-rate
/// limiter (AIMD on 429s) and the circuit breaker. It only decides; the
/// workers sleep until the instant it names.
public actor SendGovernor {
    private var limiter: AdaptiveRateLimiter
    private var breaker: CircuitBreaker
    private var pausedUntil: ContinuousClock.Instant?
    private let stop: StopSignal

    public init(maxRequestsPerSecond: Double?, breaker: CircuitBreaker = CircuitBreaker(), stop: StopSignal) {
        limiter = AdaptiveRateLimiter(cap: maxRequestsPerSecond)
        self.breaker = breaker
        self.stop = stop
    }

    /// When the next request may go (the caller sleeps until then).
    public func slot() -> ContinuousClock.Instant {
        let now = ContinuousClock.now
        let slot = limiter.reserve(now: now)
        if let pausedUntil, pausedUntil > slot { return pausedUntil }
        return slot
    }

    public func throttled() {
        limiter.throttled(now: .now)
    }

    /// Feeds the circuit breaker with a finished document: `serverFailure`
    /// when the API could not be reached or kept failing.
    public func documentFinished(serverFailure: Bool) {
        switch breaker.record(success: !serverFailure) {
        case .closed: break
        case .open(let pause): pausedUntil = .now + pause
        case .abort: stop.stop(.apiKeepsFailing("most requests failed, again and again, after retries"))
        }
    }

    public var currentRate: Double? { limiter.rate }
}
