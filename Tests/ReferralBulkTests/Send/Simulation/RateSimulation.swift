@testable import ReferralReport
@testable import ReferralSend

/// Runs the real `RateController` against a simulated server in simulated
/// time: `workers` concurrent workers in each of `processes` processes (one
/// controller each, one limit for all: shards of a tenant), each sending one
/// call after another (a refused call is sent again after its `Retry-After`),
/// every answer `latency` after the send. Deterministic: no clock, no sleeping.
struct RateSimulation<Limiter: SimulatedLimiter> {
    struct Result {
        var accepted = 0
        var refused = 0
        /// Calls the limit allowed over the run.
        var allowance = 0.0

        var efficiency: Double { Double(accepted) / allowance }
        var refusedShare: Double { Double(refused) / Double(max(1, accepted + refused)) }
    }

    var limiter: Limiter
    var workers = 32
    var processes = 1
    var latency: Duration = .milliseconds(20)
    var duration: Duration = .seconds(120)
    var settings = RateController.Settings()

    private enum Step {
        /// Ready to ask the controller for a slot.
        case ready
        /// The reservation's time has come: confirm it, then send.
        case send(RateController.Reservation)
        /// The answer to a call sent on `reservation` arrives.
        case answer(RateController.Reservation, retryAfter: Duration?)
    }

    func run() -> Result {
        let origin = ContinuousClock.now
        func instant(_ time: Int64) -> ContinuousClock.Instant { origin + .nanoseconds(time) }
        func nanoseconds(_ duration: Duration) -> Int64 {
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        }
        let end = nanoseconds(duration)
        let latency = nanoseconds(self.latency)
        var limiter = self.limiter
        var result = Result()
        var controllers = [RateController](repeating: RateController(settings: settings), count: processes)
        // Each worker's next step and its time; the earliest goes first (ties: lowest worker).
        // Worker w belongs to process w % processes.
        var steps = [(time: Int64, step: Step)](repeating: (0, .ready), count: workers * processes)
        while true {
            var next = 0
            for index in steps.indices where steps[index].time < steps[next].time { next = index }
            let (time, step) = steps[next]
            guard time < end else { break }
            let process = next % processes
            switch step {
            case .ready:
                let reservation = controllers[process].reserve(now: instant(time))
                steps[next] = (nanoseconds(reservation.at - origin), .send(reservation))
            case .send(let reservation):
                if let renewed = controllers[process].confirm(reservation, now: instant(time)) {
                    steps[next] = (nanoseconds(renewed.at - origin), .send(renewed))
                    continue
                }
                // The server sees the call halfway through the round trip.
                let retryAfter = limiter.take(at: time + latency / 2)
                if retryAfter == nil { result.accepted += 1 } else { result.refused += 1 }
                steps[next] = (time + latency, .answer(reservation, retryAfter: retryAfter))
            case .answer(let reservation, let retryAfter):
                let answer: RateController.Answer =
                    retryAfter.map { .throttled(retryAfter: $0, nil) } ?? .accepted(nil)
                _ = controllers[process].answered(answer, to: reservation, now: instant(time))
                steps[next] = (time + (retryAfter.map(nanoseconds) ?? 0), .ready)
            }
        }
        result.allowance = limiter.allowance(until: end)
        return result
    }
}
