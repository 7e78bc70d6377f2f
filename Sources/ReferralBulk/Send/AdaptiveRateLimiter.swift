/// The run's one request-rate governor, as a pure state machine: a cap from
/// `--max-rps`, and AIMD on throttling: a 429 halves the allowed rate for
/// every worker; each second without one adds back `recoveryPerSecond`, up
/// to the cap. Before the first 429 with no cap there is no limit at all
/// (nothing is slowed that the API is happy with); at the first 429 the
/// limit starts from the rate measured over the last second.
public struct AdaptiveRateLimiter: Sendable {
    public let cap: Double?
    public let recoveryPerSecond: Double
    public let floor: Double
    /// Requests per second now allowed; nil: unlimited.
    public private(set) var rate: Double?
    private var nextSlot: ContinuousClock.Instant?
    private var lastIncrease: ContinuousClock.Instant?
    private var recentSends: [ContinuousClock.Instant] = []

    public init(cap: Double?, recoveryPerSecond: Double = 1, floor: Double = 0.5) {
        self.cap = cap
        self.recoveryPerSecond = recoveryPerSecond
        self.floor = floor
        self.rate = cap
    }

    /// Reserves the next send slot: returns when this request may go.
    public mutating func reserve(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        recover(now: now)
        noteSend(now)
        guard let rate else { return now }
        let interval = Duration.seconds(1) / rate
        let slot = max(now, nextSlot ?? now)
        nextSlot = slot + interval
        return slot
    }

    /// A 429: halve the rate (multiplicative decrease).
    public mutating func throttled(now: ContinuousClock.Instant) {
        let measured = Double(recentSends.count { now - $0 <= .seconds(1) })
        let current = rate ?? max(floor, measured)
        rate = max(floor, current / 2)
        lastIncrease = now
    }

    private mutating func recover(now: ContinuousClock.Instant) {
        guard let current = rate, let lastIncrease else { return }
        let elapsed = now - lastIncrease
        guard elapsed >= .seconds(1) else { return }
        let seconds = Double(elapsed.components.seconds)
        let raised = current + recoveryPerSecond * seconds
        if let cap {
            rate = min(cap, raised)
        } else {
            rate = raised
        }
        self.lastIncrease = lastIncrease + .seconds(Int64(seconds))
    }

    private mutating func noteSend(_ now: ContinuousClock.Instant) {
        recentSends.append(now)
        if recentSends.count > 4096 || (recentSends.first.map { now - $0 > .seconds(1) } ?? false) {
            recentSends.removeAll { now - $0 > .seconds(1) }
        }
    }
}
