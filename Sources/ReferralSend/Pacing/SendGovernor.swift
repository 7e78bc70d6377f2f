import Logging
import ReferralModel

/// The run-wide side of sending, shared by every worker: the rate
/// controller (one pace for the whole pool, `Retry-After` pausing everyone)
/// and the circuit breaker. It only decides; the workers sleep until the
/// instant it names. It reads the clock and logs; the decisions are the
/// pure machines'.
package actor SendGovernor {
    private var controller: RateController
    private var breaker: CircuitBreaker
    private var pausedUntil: ContinuousClock.Instant?
    private let stop: StopSignal
    private let maxRetryAfter: Duration
    /// Answers in a row whose `Retry-After` was longer than we wait.
    private var tooLongWaits = 0
    private let logger: Logger
    private let onPace: @Sendable (Double?) -> Void
    /// Callers waiting for room in flight (the server limits the calls in
    /// flight): each answer wakes them all to confirm again. Every call that
    /// went ends in an answer or in `unanswered`, so none waits for ever; a
    /// caller whose task is cancelled stops waiting at once.
    private var waitingForRoom: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var lastWaiter: UInt64 = 0

    /// What a caller does with its reservation.
    package enum Go: Sendable, Equatable {
        /// Send now, and answer with this reservation.
        case send(RateController.Reservation)
        /// Sleep until this new reservation's time, then confirm it.
        case wait(RateController.Reservation)
    }

    /// After this many answers in a row asking for a longer wait than
    /// `--max-retry-after`, the run stops: every call would only fail.
    static let tooLongWaitsToStop = 10

    package init(
        rate: RateController.Settings = RateController.Settings(), maxRetryAfter: Duration = .seconds(120),
        breaker: CircuitBreaker = CircuitBreaker(), stop: StopSignal, logger: Logger = Logger(label: "referral-bulk"),
        onPace: @escaping @Sendable (Double?) -> Void = { _ in }
    ) {
        controller = RateController(settings: rate)
        self.maxRetryAfter = maxRetryAfter
        self.breaker = breaker
        self.stop = stop
        self.logger = logger
        self.onPace = onPace
    }

    /// When the next request may go: the caller sleeps until then, then
    /// asks `confirm` before it sends.
    package func reserve() -> RateController.Reservation {
        let now = ContinuousClock.now
        var reservation = controller.reserve(now: now)
        onPace(controller.pace(at: now))
        if let pausedUntil, pausedUntil > reservation.at { reservation.at = pausedUntil }
        return reservation
    }

    /// Send now, or sleep until a new reservation (the pace changed or the
    /// pool was paused while the caller slept); waits here while the calls
    /// in flight are as many as the server takes (throwing if the calling
    /// task is cancelled meanwhile).
    package func confirm(_ reservation: RateController.Reservation) async throws(CancellationError) -> Go {
        while true {
            switch controller.confirm(reservation, now: .now) {
            case .send(let sent): return .send(sent)
            case .wait(let renewed): return .wait(renewed)
            case .full: try await waitForRoom()
            }
        }
    }

    /// Returns when a call in flight is answered; throws when the calling task is cancelled.
    private func waitForRoom() async throws(CancellationError) {
        lastWaiter += 1
        let id = lastWaiter
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Cancelled before it waits: the handler below found nothing to resume.
                if Task.isCancelled { continuation.resume() } else { waitingForRoom[id] = continuation }
            }
        } onCancel: {
            Task { await self.stopWaiting(id) }
        }
        if Task.isCancelled { throw CancellationError() }
    }

    private func stopWaiting(_ id: UInt64) {
        waitingForRoom.removeValue(forKey: id)?.resume()
    }

    /// What the server answered to a request sent on `reservation`.
    package func answered(status: Int, retryAfter: Duration?, quota: RateQuota?, to reservation: RateController.Reservation) {
        let answer = RateController.Answer(status: status, retryAfter: retryAfter, quota: quota, maxRetryAfter: maxRetryAfter)
        let tooLong = (status == 429 || status == 503) && retryAfter.map { $0 > maxRetryAfter } == true
        noteWait(tooLong: tooLong, status: status, retryAfter: retryAfter)
        hear(answer, to: reservation)
    }

    /// A call sent on `reservation` got no answer: it is no longer in flight.
    package func unanswered(_ reservation: RateController.Reservation) {
        hear(.unanswered, to: reservation)
    }

    private func hear(_ answer: RateController.Answer, to reservation: RateController.Reservation) {
        let now = ContinuousClock.now
        let change = controller.answered(answer, to: reservation, now: now)
        let waiting = waitingForRoom.values
        waitingForRoom = [:]
        for caller in waiting { caller.resume() }
        guard let change else { return }
        log(change, now: now)
        onPace(controller.pace(at: now))
    }

    /// Feeds the circuit breaker with a finished document: `serverFailure`
    /// when the API could not be reached or kept failing.
    package func documentFinished(serverFailure: Bool) {
        switch breaker.record(success: !serverFailure) {
        case .closed: break
        case .open(let pause): pausedUntil = .now + pause
        case .abort: stop.stop(.circuitBreakerTripped)
        }
    }

    /// The pace now (nil: still searching) and the limit found so far.
    package var pace: Double? { controller.pace(at: .now) }
    package var limitFound: Double? { controller.limitFound }
    /// The most calls in flight the server takes, when it limits them.
    package var inFlightLimit: Int? { controller.inFlightLimit }

    private func noteWait(tooLong: Bool, status: Int, retryAfter: Duration?) {
        guard tooLong, let retryAfter else {
            if status != 429, status != 503 { tooLongWaits = 0 }
            return
        }
        tooLongWaits += 1
        if tooLongWaits >= Self.tooLongWaitsToStop {
            stop.stop(.waitsTooLong(asked: retryAfter, limit: maxRetryAfter))
        }
    }

    private func log(_ change: RateController.Change, now: ContinuousClock.Instant) {
        var metadata: Logger.Metadata = [
            "from": "\(change.from.map(RateText.perSecond) ?? "searching")", "to": "\(change.to.map(RateText.perSecond) ?? "searching")",
        ]
        let message: Logger.Message
        switch change.reason {
        case .throttled(let retryAfter):
            message = "pace: throttled (429), now what the server accepted"
            metadata["retry-after"] = "\(retryAfter.map(DurationText.seconds) ?? "none")"
        case .announced:
            message = "pace: following the quota the server announced"
        case .paused(let until):
            message = "pace: pausing every request as the server asked"
            metadata["pause"] = "\(DurationText.seconds(until - now))"
        case .inFlight(let limit):
            message = "pace: the server limits the calls in flight, now at most that many at once"
            metadata["in-flight"] = "\(limit)"
        }
        logger.info(message, metadata: metadata)
    }
}
