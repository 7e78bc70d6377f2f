import ReferralModel

/// nginx's `limit_req` (ngx_http_limit_req_module, `nodelay`), in its own
/// arithmetic: whole milliseconds, the excess in thousandths of a request.
/// A call is refused when the excess over one call per 1/rate would pass
/// the burst; refused calls leave no trace. nginx sends no `Retry-After`
/// unless the configuration adds one (then the same on every 429).
struct SimulatedLimitReq: SimulatedLimiter {
    let rate: Double
    let burst: Int
    let retryAfter: Duration?
    private var excess: Int64 = 0
    private var last: Int64?

    /// `takenAtStart`: another client's call took the limit at time 0 (a
    /// health check, another job of the tenant), so the run's first calls meet a refusal at once.
    init(rate: Double, burst: Int = 0, retryAfter: Duration? = nil, takenAtStart: Bool = false) {
        self.rate = rate
        self.burst = burst
        self.retryAfter = retryAfter
        if takenAtStart { last = 0 }
    }

    mutating func take(at time: Int64) -> SimulatedRefusal? {
        let now = time / 1_000_000
        guard let last else {
            self.last = now
            return nil
        }
        let milliRate = Int64(rate * 1000)
        let ms = max(0, now - last)
        let excess = max(0, self.excess - milliRate * ms / 1000 + 1000)
        guard excess <= Int64(burst) * 1000 else { return SimulatedRefusal(retryAfter: retryAfter) }
        self.excess = excess
        if ms > 0 { self.last = now }
        return nil
    }

    func allowance(until time: Int64) -> Double {
        rate * Double(time) / 1e9 + Double(burst)
    }
}

/// nginx's `limit_conn`: a call beyond `connections` in flight is refused
/// at once, without `Retry-After`. Its allowance is what that many
/// connections carry at `latency` a call.
struct SimulatedLimitConn: SimulatedLimiter {
    let connections: Int
    let latency: Duration
    private var inFlight = 0

    init(connections: Int, latency: Duration) {
        self.connections = connections
        self.latency = latency
    }

    mutating func take(at time: Int64) -> SimulatedRefusal? {
        guard inFlight < connections else { return SimulatedRefusal(retryAfter: nil) }
        inFlight += 1
        return nil
    }

    mutating func finish(at time: Int64) { inFlight -= 1 }

    func allowance(until time: Int64) -> Double {
        Double(connections) / latency.inSeconds * Double(time) / 1e9
    }
}
