import ReferralModel
import Synchronization

/// The tenant's one rate limit: every token, every shard, reads and writes
/// alike draw from it. A token bucket (bursts of up to one second's worth,
/// at least one request, or `burst` calls) or a fixed window of `limit × window` calls; the
/// limit follows `schedule` from the first request on. Counts what it
/// accepted and refused, so a benchmark can read the server's own figures.
final class RateLimiter: Sendable {
    enum Shape: Sendable, Equatable {
        /// nil: one second's worth, at least one call.
        case tokenBucket(burst: Double?)
        case fixedWindow(Duration)
    }

    /// What one request met.
    struct Decision: Sendable, Equatable {
        /// nil: accepted; else the whole seconds to wait (at least 1).
        var retryAfter: Int?
        /// The quota as announced in headers: calls per window, left, and seconds to the reset.
        var limit: Int
        var window: Int
        var remaining: Int
        var reset: Int
    }

    /// The server's own figures since the first request.
    struct Stats: Sendable, Equatable {
        var accepted = 0
        var refused = 0
        /// From the first request to the last.
        var elapsed: Duration = .zero
        /// Calls the limit allowed over that time (∫ limit dt).
        var allowance = 0.0
    }

    private struct State {
        var first: ContinuousClock.Instant?
        var last: ContinuousClock.Instant?
        var tokens: Double
        var refilled: ContinuousClock.Instant?
        var window = -1
        var usedInWindow = 0
        var accepted = 0
        var refused = 0
    }

    let schedule: RateSchedule
    let shape: Shape
    private let state: Mutex<State>

    init(schedule: RateSchedule, shape: Shape = .tokenBucket(burst: nil)) {
        self.schedule = schedule
        self.shape = shape
        let burst: Double? = if case .tokenBucket(let burst) = shape { burst } else { nil }
        state = Mutex(State(tokens: max(1, burst ?? schedule.initial)))
    }

    /// Takes one call from the quota at `now`, or says how long to wait.
    func take(now: ContinuousClock.Instant = .now) -> Decision {
        state.withLock { state in
            let first = state.first ?? now
            state.first = first
            state.last = max(state.last ?? now, now)
            let elapsed = now - first
            let limit = schedule.limit(at: elapsed)
            var decision: Decision
            switch shape {
            case .tokenBucket(let burst):
                decision = Self.bucket(&state, limit: limit, capacity: max(1, burst ?? limit), now: now)
            case .fixedWindow(let window):
                decision = Self.window(&state, limit: limit, window: window, elapsed: elapsed)
            }
            if decision.retryAfter == nil { state.accepted += 1 } else { state.refused += 1 }
            decision.remaining = max(0, decision.remaining)
            return decision
        }
    }

    var stats: Stats {
        state.withLock { state in
            guard let first = state.first, let last = state.last else { return Stats() }
            return Stats(
                accepted: state.accepted, refused: state.refused, elapsed: last - first,
                allowance: schedule.allowance(from: .zero, to: last - first))
        }
    }

    private static func bucket(_ state: inout State, limit: Double, capacity: Double, now: ContinuousClock.Instant) -> Decision {
        let seconds = (now - (state.refilled ?? now)).inSeconds
        state.tokens = min(capacity, state.tokens + max(0, seconds) * limit)
        state.refilled = max(state.refilled ?? now, now)
        var retryAfter: Int?
        if state.tokens >= 1 {
            state.tokens -= 1
        } else {
            retryAfter = max(1, Int(((1 - state.tokens) / limit).rounded(.up)))
        }
        // Announced as a one-second window: what the bucket holds, whole again when full.
        return Decision(
            retryAfter: retryAfter, limit: Int(capacity.rounded(.down)), window: 1, remaining: Int(state.tokens.rounded(.down)),
            reset: Int(((capacity - state.tokens) / limit).rounded(.up)))
    }

    private static func window(_ state: inout State, limit: Double, window: Duration, elapsed: Duration) -> Decision {
        let length = window.inSeconds
        let index = Int(elapsed.inSeconds / length)
        if index != state.window {
            state.window = index
            state.usedInWindow = 0
        }
        let quota = max(1, Int((limit * length).rounded(.down)))
        let reset = max(1, Int((Double(index + 1) * length - elapsed.inSeconds).rounded(.up)))
        var retryAfter: Int?
        if state.usedInWindow < quota {
            state.usedInWindow += 1
        } else {
            retryAfter = reset
        }
        return Decision(
            retryAfter: retryAfter, limit: quota, window: Int(length.rounded(.up)), remaining: quota - state.usedInWindow,
            reset: reset)
    }
}
