import ReferralModel
@testable import ReferralReport
@testable import ReferralSend

/// Runs the real `RateController` against a simulated server in simulated
/// time: `workers` concurrent workers in each of `processes` processes (one
/// controller each, one limit for all: shards of a tenant), each sending one
/// call after another (a refused call is sent again after the retry policy's
/// backoff, at least its `Retry-After`).
/// A call reaches the server up to `jitter` after it is sent (seeded, as a
/// loopback's scheduling has it), the server holds it for `latency`, or
/// `refusedLatency` when it refuses it, and the answer is heard up to
/// `answerJitter` after the server let the call go (a loaded machine: the
/// pool counts a call in flight that the server has already finished).
/// Deterministic: no clock, no sleeping.
struct RateSimulation<Limiter: SimulatedLimiter> {
    struct Result {
        var refused = 0
        /// Calls the limit allowed over the run.
        var allowance = 0.0

        /// Accepted calls in each second of the run.
        var acceptedPerSecond: [Int] = []
        /// Accepted calls of each process (a shard's share).
        var acceptedPerProcess: [Int] = []
        var accepted: Int { acceptedPerProcess.reduce(0, +) }
        /// Each process's limit of calls in flight at the end (nil: none).
        var inFlightLimits: [Int?] = []

        var efficiency: Double { Double(accepted) / allowance }
        var refusedShare: Double { Double(refused) / Double(max(1, accepted + refused)) }
    }

    var limiter: Limiter
    var workers = 32
    var processes = 1
    var latency: Duration = .milliseconds(20)
    var refusedLatency: Duration?
    var jitter: Duration = .zero
    var answerJitter: Duration = .zero
    var seed: UInt64 = 1
    var duration: Duration = .seconds(120)
    var settings = RateController.Settings()

    private enum Step {
        /// Ready to ask the controller for a slot.
        case ready
        /// The reservation's time has come: confirm it, then send.
        case send(RateController.Reservation)
        /// No room in flight: confirm again when a call of the process is answered.
        case waitingForRoom(RateController.Reservation)
        /// The call reaches the server.
        case arrive(RateController.Reservation)
        /// The server lets the call go: its answer is on the way.
        case finish(RateController.Reservation, SimulatedRefusal?)
        /// The answer to a call sent on `reservation` arrives.
        case answer(RateController.Reservation, SimulatedRefusal?)
    }

    func run() -> Result {
        let origin = ContinuousClock.now
        func instant(_ time: Int64) -> ContinuousClock.Instant { origin + .nanoseconds(time) }
        func nanoseconds(_ duration: Duration) -> Int64 {
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        }
        let end = nanoseconds(duration)
        let latency = nanoseconds(self.latency)
        let refusedLatency = nanoseconds(self.refusedLatency ?? self.latency)
        let jitter = nanoseconds(self.jitter)
        let answerJitter = nanoseconds(self.answerJitter)
        var random = SplitMix64(seed: seed)
        var limiter = self.limiter
        var result = Result()
        result.acceptedPerSecond = Array(repeating: 0, count: Int(end / 1_000_000_000) + 1)
        result.acceptedPerProcess = Array(repeating: 0, count: processes)
        var controllers = [RateController](repeating: RateController(settings: settings), count: processes)
        // Each worker's next step and its time; the earliest goes first (ties: lowest worker).
        // Worker w belongs to process w % processes.
        var steps = [(time: Int64, step: Step)](repeating: (0, .ready), count: workers * processes)
        // Each worker's refusals in a row, for the backoff.
        var attempts = [Int](repeating: 0, count: workers * processes)
        let policy = RetryPolicy()
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
            case .send(let waiting):
                let reservation: RateController.Reservation
                switch controllers[process].confirm(waiting, now: instant(time)) {
                case .send(let sent):
                    reservation = sent
                case .wait(let renewed):
                    steps[next] = (nanoseconds(renewed.at - origin), .send(renewed))
                    continue
                case .full:
                    steps[next] = (.max, .waitingForRoom(waiting))
                    continue
                }
                steps[next] = (time + (jitter > 0 ? Int64(random.next() % UInt64(jitter)) : 0), .arrive(reservation))
            case .waitingForRoom:
                // Only ever at the end of time: an answer moves it first.
                break
            case .arrive(let reservation):
                let refusal = limiter.take(at: time)
                if refusal == nil {
                    result.acceptedPerProcess[process] += 1
                    result.acceptedPerSecond[min(result.acceptedPerSecond.count - 1, Int(time / 1_000_000_000))] += 1
                } else {
                    result.refused += 1
                }
                steps[next] = (time + (refusal == nil ? latency : refusedLatency), .finish(reservation, refusal))
            case .finish(let reservation, let refusal):
                if refusal == nil { limiter.finish(at: time) }
                let delay = answerJitter > 0 ? Int64(random.next() % UInt64(answerJitter)) : 0
                steps[next] = (time + delay, .answer(reservation, refusal))
            case .answer(let reservation, let refusal):
                let answer: RateController.Answer = refusal.map { .throttled(retryAfter: $0.retryAfter, nil) } ?? .accepted(nil)
                _ = controllers[process].answered(answer, to: reservation, now: instant(time))
                for worker in stride(from: process, to: steps.count, by: processes) {
                    if case .waitingForRoom(let waiting) = steps[worker].step { steps[worker] = (time, .send(waiting)) }
                }
                var delay: Int64 = 0
                if let refusal {
                    attempts[next] += 1
                    delay = nanoseconds(policy.delay(afterAttempt: attempts[next], retryAfter: refusal.retryAfter, random: &random))
                } else {
                    attempts[next] = 0
                }
                steps[next] = (time + delay, .ready)
            }
        }
        result.allowance = limiter.allowance(until: end)
        result.inFlightLimits = controllers.map(\.inFlightLimit)
        return result
    }
}
