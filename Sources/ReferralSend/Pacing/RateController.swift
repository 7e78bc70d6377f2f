import Foundation
import ReferralModel

/// The run's one request pace, as a pure state machine: it is told when a
/// request wants to go and what each answer said, and answers when the
/// request may go. It never reads a clock or sleeps; every event carries
/// its time.
///
/// Without a cap it finds the tenant's limit by itself and holds it:
/// - It starts slowly and doubles the pace every `doublingTime` (slow
///   start), so the first refusal finds few requests in flight.
/// - A 429 for a request reserved after the last decrease is one signal;
///   the 429s that answer requests reserved before it are the same episode
///   and are ignored, and so is a 429 without `Retry-After` (or one under a
///   second) within two calls of the decrease (the new pace has not been
///   tried yet). A signal sets the pace to what the server actually
///   accepted since the previous signal, spread over the time until it
///   lets us send again (`Retry-After`): for a token bucket that is its
///   refill rate, for a fixed window its quota per window; bounded by the
///   pace that was refused, since a limit without a burst lets through
///   every other call of a pace a little above it (`measuredPace`). One or
///   two calls through in under a second of sending measure nothing,
///   however long the pause after them: the pace halves (a blind cut).
/// - After a pause, or a small step down near the limit, it climbs back
///   within a second to just under the refused pace (CUBIC's plateau).
/// - It then probes upward, slowly at first (the limit was just measured)
///   and faster the longer nothing is refused (the limit may have risen);
///   slower after a long `Retry-After` (a window) and at low limits, so that
///   a probe costs one refusal in many calls. The slow part adds the same
///   number of calls per second whatever the pace (a share of the first
///   limit found, which shards started together find alike), so shards of
///   one tenant drift toward equal shares instead of one starving.
/// - `Retry-After` pauses every request until then, where that holds back
///   few calls; where it would hold back many (nginx adding `Retry-After: 1`
///   at 100 r/s), only the refused call waits, the pace is cut to what got
///   through while sending, and the pool pauses only when the calls after
///   the cut are refused with none getting through (a spent window). A
///   reservation made before a pause or decrease is renewed (`confirm`)
///   rather than used.
/// - Announced quotas (`RateLimit`, `x-ms-ratelimit-remaining-*`) are
///   followed as they come: the remaining quota spread over the time until
///   it resets, and a pause when nothing remains.
/// - Refusals that follow the number of calls in flight rather than their
///   pace (nginx's `limit_conn`) lower that number instead of the pace
///   (`ConcurrencyWindow`): `confirm` answers `.full` while it is reached.
package struct RateController: Sendable {
    package struct Settings: Sendable, Equatable {
        /// `--max-rps`: never faster than this.
        package var cap: Double?
        /// The first pace, before anything is known.
        package var initialRate = 8.0
        /// How quickly the first pace doubles until the first signal.
        package var doublingTime: Duration = .milliseconds(150)
        /// Probing after a signal: `pace × (1 + (t / cubicProbe)³) + linearProbe × first limit found × t`,
        /// t in seconds since the pause ended, divided by the probe's stretch.
        package var linearProbe = 0.02
        package var cubicProbe: Duration = .seconds(5)
        /// The probe is stretched so that it takes at least about this many
        /// calls of the first limit found: a probe ends in a refusal, and at
        /// 10/s one of a few seconds would refuse one call in 40, not one in 100.
        package var callsPerProbe = 100.0
        /// Fewer calls through than this in under a second of sending measure nothing.
        package var measuredCalls = 3
        /// Never slower than this (one request every 100 s).
        package var floor = 0.01
        /// A signal that says too little to measure (under a second, nothing
        /// accepted) cuts the pace to this fraction instead.
        package var blindCut = 0.5
        /// After a blind cut, the probe runs this much faster (at paces of
        /// `blindProbeFrom` and more): the cut measured nothing, so the limit is likely near.
        package var blindProbe = 0.25
        /// A blind cut at this pace or more probes `blindProbe` times faster.
        package var blindProbeFrom = 10.0
        /// The plateau after a pause: this share of the pace that was refused.
        package var plateauShare = 0.97
        /// The pace after a pause is at least this share of the refused pace
        /// (when that is within `plateauCeiling` of what got through).
        package var refusedShare = 0.9
        /// The plateau is at most this many times the new pace (the refused pace
        /// of a big bucket is far above its rate).
        package var plateauCeiling = 1.25
        /// How long the climb from the new pace to the plateau takes (before the probe's stretch).
        package var approachTime: Duration = .seconds(1)
        /// A refusal soon after the last, without a pause: the pace steps down
        /// to this share, or halves when fewer than `overshotShare` of the calls got through.
        /// When more than `jitterShare` got through, the step down climbs back to the plateau.
        package var nudge = 0.85
        package var overshotShare = 0.3
        package var jitterShare = 0.7
        /// A `Retry-After` that would hold back more than this many calls (at
        /// what got through, the pause counted) does not pause the pool:
        /// only the refused call waits. nginx adding `Retry-After: 1` to a
        /// limit of 100 r/s with a burst of 10 gives back 10 calls for a
        /// pause that costs 100 (it held 0.51 of the limit while every such
        /// refusal paused the pool); a bucket of 10/s that holds a second's
        /// worth gives back all 10, and pausing holds it with fewer refusals.
        package var costlyPause = 20.0
        package var window = ConcurrencyWindow.Settings()

        package init(cap: Double? = nil) { self.cap = cap }
    }

    /// When a request may go, and the episode it was reserved in.
    package struct Reservation: Sendable, Equatable {
        package var at: ContinuousClock.Instant
        /// Bumped by every decrease: older reservations are stale.
        package var episode: Int
        /// Once sent: where it went among the calls in flight.
        package var place: ConcurrencyWindow.Place?
        /// Once sent: when (later than `at` when it waited for room in flight).
        package var sentAt: ContinuousClock.Instant?
    }

    /// What `confirm` decided.
    package enum Confirmation: Sendable, Equatable {
        /// Send now, and answer with this reservation (it knows its place in flight).
        case send(Reservation)
        /// Wait until this new reservation's time, then confirm it: a pause
        /// or decrease came after the first was made (its slot was planned
        /// at a pace that no longer holds).
        case wait(Reservation)
        /// As many calls are in flight as the server takes: confirm again
        /// once one of them is answered (or got no answer).
        case full
    }

    /// What an answer said about the tenant's budget.
    package enum Answer: Sendable, Equatable {
        /// Accepted (any answer but 429 and 503 counts: the request used the quota).
        case accepted(RateQuota?)
        /// 429.
        case throttled(retryAfter: Duration?, RateQuota?)
        /// 503: the service, not the tenant, is busy; only its `Retry-After` matters.
        case unavailable(retryAfter: Duration?)
        /// No answer (the connection failed): the call is no longer in flight, and that is all.
        case unanswered

        /// What an answer with `status` said; a `Retry-After` longer than
        /// `maxRetryAfter` is no pause (that call fails instead).
        package init(status: Int, retryAfter: Duration?, quota: RateQuota?, maxRetryAfter: Duration) {
            let pause = retryAfter.flatMap { $0 > maxRetryAfter ? nil : $0 }
            switch status {
            case 429: self = .throttled(retryAfter: pause, quota)
            case 503: self = .unavailable(retryAfter: pause)
            default: self = .accepted(quota)
            }
        }

        /// Whether the server refused the call for the tenant's budget (nil: it says nothing of it).
        var refused: Bool? {
            switch self {
            case .accepted: false
            case .throttled: true
            case .unavailable, .unanswered: nil
            }
        }
    }

    /// A change of pace worth telling the person running it.
    package struct Change: Sendable, Equatable {
        package enum Reason: Sendable, Equatable {
            /// A 429 episode: the pace is what the server accepted.
            case throttled(retryAfter: Duration?)
            /// The server announced its quota.
            case announced
            /// The server said to wait (`Retry-After` on a 503, or no quota left).
            case paused(until: ContinuousClock.Instant)
            /// The server limits the calls in flight: at most this many go at once.
            case inFlight(limit: Int)
        }

        package var from: Double?
        package var to: Double?
        package var reason: Reason
    }

    private enum Phase: Sendable {
        /// Before any signal: doubling from `base`.
        case slowStart
        /// After a signal: probing upward from `base`.
        case probing
        /// Following an announced quota.
        case announced
    }

    package let settings: Settings
    private var phase = Phase.slowStart
    private var base: Double
    private var phaseStart: ContinuousClock.Instant?
    private var nextSlot: ContinuousClock.Instant?
    package private(set) var pausedUntil: ContinuousClock.Instant?
    private var episode = 0
    private var epochStart: ContinuousClock.Instant?
    private var acceptedInEpoch = 0
    private var sentInEpoch = 0
    private var refusedInEpoch = 0
    /// Stretches the probe's time after a long `Retry-After`.
    private var probeScale = 1.0
    /// The pace the first signal set: the scale of the probe's additive part.
    private var firstFound: Double?
    /// A signal has measured what got through (not only a blind cut).
    private var limitMeasured = false
    /// A refusal before anything got through has kept the slow start going (once).
    private var searchKeptGoing = false
    /// When the last decrease was decided.
    private var lastDecrease: ContinuousClock.Instant?
    /// The pace the probe approaches before it probes beyond (CUBIC's plateau), if above `base`.
    private var plateau: Double?
    /// When the last reservation's slot was, and the mean gap between slots:
    /// the pace the pool really sends at.
    private var lastSlot: ContinuousClock.Instant?
    private var slotGap: Double?
    /// The pace the last signal or announcement set: the limit as found.
    package private(set) var limitFound: Double?
    /// The last cut that did not pause for its `Retry-After`, while that wait runs.
    private var unpausedCut = UnpausedCut.none
    private var window: ConcurrencyWindow
    /// The mean time from a call's send to its answer, over the accepted calls, in seconds.
    package private(set) var latency: Double?

    /// A cut made without pausing the pool for a `Retry-After` (`pauseIsCostly`),
    /// with the controller as it was just before it: when the calls after it
    /// are refused and none gets through, the limit is spent until then (a
    /// window), so the cut is undone and the pause taken after all.
    private indirect enum UnpausedCut: Sendable {
        case none
        case made(before: RateController, until: ContinuousClock.Instant)
    }

    package init(settings: Settings = Settings()) {
        self.settings = settings
        base = settings.initialRate
        window = ConcurrencyWindow(settings: settings.window)
    }

    /// The most calls that may be in flight, when the server limits them (nil: the pool's concurrency).
    package var inFlightLimit: Int? { window.limit }

    /// The pace at `now`, in requests per second (the cap included).
    package func rate(at now: ContinuousClock.Instant) -> Double {
        let seconds = phaseStart.map { max(0, (now - $0).inSeconds) } ?? 0
        let probing = seconds / probeScale
        var rate: Double
        switch phase {
        case .slowStart:
            // Capped so that a pool that cannot use the pace does not grow it without end.
            rate = base * pow(2, min(40, seconds / settings.doublingTime.inSeconds))
        case .probing:
            var from = base
            var beyond = probing
            if let plateau {
                // The climb to the plateau is not stretched: it returns to a pace that held.
                let approach = settings.approachTime.inSeconds
                if seconds < approach {
                    let left = 1 - seconds / approach
                    return bounded(plateau - (plateau - base) * left * left * left)
                }
                from = plateau
                beyond = (seconds - approach) / probeScale
            }
            let cubic = beyond / settings.cubicProbe.inSeconds
            rate = from * (1 + cubic * cubic * cubic) + settings.linearProbe * (firstFound ?? base) * beyond
        case .announced:
            rate = base
        }
        return bounded(rate)
    }

    /// `rate` within the cap and the floor.
    private func bounded(_ rate: Double) -> Double {
        var rate = rate
        if let cap = settings.cap { rate = min(rate, cap) }
        return max(settings.floor, rate)
    }

    /// The pace to show a person: nil while it is still searching (slow start, no cap).
    package func pace(at now: ContinuousClock.Instant) -> Double? {
        if case .slowStart = phase, settings.cap == nil { return nil }
        return rate(at: now)
    }

    /// A request wants to go at `now`: returns when it may (never before `now`).
    package mutating func reserve(now: ContinuousClock.Instant) -> Reservation {
        if phaseStart == nil {
            phaseStart = now
            epochStart = now
        }
        sentInEpoch += 1
        var slot = max(now, nextSlot ?? now)
        if let pausedUntil, pausedUntil > slot { slot = pausedUntil }
        nextSlot = slot + .seconds(1 / rate(at: slot))
        if let lastSlot, slot > lastSlot, pausedUntil.map({ $0 < lastSlot }) ?? true {
            let gap = (slot - lastSlot).inSeconds
            slotGap = slotGap.map { 0.875 * $0 + 0.125 * gap } ?? gap
        }
        lastSlot = slot
        return Reservation(at: slot, episode: episode)
    }

    /// The reservation's time has come: send, wait for a new one, or wait for room in flight.
    package mutating func confirm(_ reservation: Reservation, now: ContinuousClock.Instant) -> Confirmation {
        let paused = pausedUntil.map { $0 > now } ?? false
        guard reservation.episode != episode || paused else {
            guard window.hasRoom else { return .full }
            var sent = reservation
            sent.place = window.sent()
            sent.sentAt = now
            return .send(sent)
        }
        return .wait(reserve(now: now))
    }

    /// The answer to a request sent on `reservation` arrived at `now`.
    package mutating func answered(_ answer: Answer, to reservation: Reservation, now: ContinuousClock.Instant) -> Change? {
        // The window hears every answer to a call that went; a refusal it
        // explains by the calls in flight leaves the pace alone.
        if let place = reservation.place {
            switch window.answered(place, refused: answer.refused) {
            case .rate: break
            case .counted(let paceStands): if paceStands { return nil }
            case .concurrency(let limit, let paceStands):
                let change = Change(from: pace(at: now), to: pace(at: now), reason: .inFlight(limit: limit))
                if paceStands { return change }
                guard let cut = rateAnswered(answer, to: reservation, now: now) else { return change }
                // The window now keeps the calls in flight under that limit,
                // so the cut costs calls until the pace is back: probe as
                // after a blind cut, when the window is within reach of the
                // cut pace (twice the calls in flight it keeps, by Little's
                // law). A window far above it (a slow start that overshot a
                // rate limit with twenty in flight) says little of the limit:
                // probing fast there overshot fixed windows (1.9 % refused).
                if let latency, Double(limit) <= 2 * rate(at: now) * latency { probeScale = min(probeScale, settings.blindProbe) }
                return cut
            }
        }
        return rateAnswered(answer, to: reservation, now: now)
    }

    /// What the answer says of the pace.
    private mutating func rateAnswered(_ answer: Answer, to reservation: Reservation, now: ContinuousClock.Instant) -> Change? {
        switch answer {
        case .accepted(let quota):
            if reservation.episode == episode { acceptedInEpoch += 1 }
            // From the send, not the slot: a call that waited for room in
            // flight was not yet on the wire.
            let took = max(0, (now - (reservation.sentAt ?? reservation.at)).inSeconds)
            latency = latency.map { 0.875 * $0 + 0.125 * took } ?? took
            return quota.flatMap { follow($0, now: now) }
        case .throttled(let retryAfter, let quota):
            // Reserved before the last decrease: part of the episode already counted.
            guard reservation.episode == episode else { return nil }
            refusedInEpoch += 1
            // A 429 without `Retry-After` (or with one under a second: a date
            // in the past, `0`) soon after a decrease answers a call the new
            // pace had no time to prove wrong: cutting again on each would
            // halve the pace to the floor (one call every 100 s, a hang to a
            // person) in a few hundred milliseconds.
            // A `Retry-After` says when to try again, not that the limit is
            // lower: where pausing every call for it would cost many calls,
            // only the refused call waits (`CallRetryMachine`), unless the
            // calls after the cut show the limit is spent.
            var pauses = true
            if let retryAfter, retryAfter >= .seconds(1) {
                if case .made(let before, let until) = unpausedCut, now < until {
                    if let lastDecrease, now - lastDecrease < blindInterval(at: now) { return nil }
                    if acceptedInEpoch == 0 {
                        undo(to: before)
                        return decrease(retryAfter: retryAfter, pauses: true, refused: reservation, now: now)
                    }
                    pauses = false
                } else {
                    pauses = !pauseIsCostly(retryAfter, now: now)
                }
            }
            if !pauses || (retryAfter ?? .zero) < .seconds(1), let lastDecrease, now - lastDecrease < blindInterval(at: now) {
                return nil
            }
            if let quota, let change = follow(quota, now: now), quota.remaining == 0 { return change }
            var before = self
            before.unpausedCut = .none
            let change = decrease(retryAfter: retryAfter, pauses: pauses, refused: reservation, now: now)
            if !pauses, let retryAfter {
                if case .made(let first, let until) = unpausedCut, now < until {
                    unpausedCut = .made(before: first, until: max(until, now + retryAfter))
                } else {
                    unpausedCut = .made(before: before, until: now + retryAfter)
                }
            }
            return change
        case .unavailable(let retryAfter):
            guard let retryAfter, pause(until: now + retryAfter) else { return nil }
            return Change(from: pace(at: now), to: pace(at: now), reason: .paused(until: now + retryAfter))
        case .unanswered:
            return nil
        }
    }

    /// Whether pausing every call for `retryAfter` would hold back more than
    /// `costlyPause` calls at what got through since the last signal (the
    /// pause counted: what a bucket or a window gives back for it).
    private func pauseIsCostly(_ retryAfter: Duration, now: ContinuousClock.Instant) -> Bool {
        let epoch = (now + retryAfter - (epochStart ?? now)).inSeconds
        return Double(acceptedInEpoch) / epoch * retryAfter.inSeconds > settings.costlyPause
    }

    /// Back to the controller as it was before an unpaused cut, keeping what
    /// has happened since to the timeline: the episode (older reservations
    /// stay stale), the next slot, the pause, the pool's real pace and the calls in flight.
    private mutating func undo(to before: RateController) {
        var restored = before
        restored.episode = episode
        restored.nextSlot = nextSlot
        restored.lastSlot = lastSlot
        restored.slotGap = slotGap
        restored.pausedUntil = pausedUntil
        restored.window = window
        self = restored
    }

    /// How long after a decrease a 429 without `Retry-After` is still the same
    /// episode: two calls at the pace. (A second at least let a pace just
    /// above nginx's `limit_req` without a burst, which the blind probe
    /// reaches in that second, take every other call: half the limit.)
    private func blindInterval(at now: ContinuousClock.Instant) -> Duration {
        .seconds(2 / rate(at: now))
    }

    /// One throttling signal: pace at what got through, and with `pauses`,
    /// pause until the server lets us send (else what got through is
    /// measured up to now, and the pace resumes at once).
    private mutating func decrease(retryAfter: Duration?, pauses: Bool, refused: Reservation, now: ContinuousClock.Instant) -> Change {
        let before = pace(at: now)
        // The pace the refused call went at (what the pool really sent at, if slower).
        let refusedPace = min(rate(at: refused.at), slotGap.map { 1 / $0 } ?? .infinity)
        let resume = now + (pauses ? retryAfter ?? .zero : .zero)
        if pauses, retryAfter != nil { pause(until: resume) }
        let start = epochStart ?? now
        let epoch = (resume - start).inSeconds
        let sending = (now - start).inSeconds
        // What was really sent: a pool that could not use the pace did not send at it
        // (measured only over a second or more: one call in a few milliseconds says nothing).
        let current = sending < 1 ? rate(at: now) : min(rate(at: now), Double(sentInEpoch) / sending)
        let paused = (retryAfter ?? .zero) >= .seconds(1)
        let (measured, blind, nudged) = measuredPace(
            current: current, epoch: epoch, sending: sending, paused: paused, refusedPace: refusedPace)
        let rate = bounded(measured)
        // After a pause or a step down, climb back quickly to just under the
        // pace that was refused (CUBIC's plateau) and only then probe beyond
        // it: a pause the server does not make up for (nginx adding
        // `Retry-After: 1` to a bucket of ten) costs a second of calls each
        // time it is hit, and a step down of 15 % is 15 % of the calls until
        // the slow probe is back. The refused pace of a big bucket is far
        // above its rate, hence the ceiling.
        let top = bounded(min(settings.plateauShare * refusedPace, settings.plateauCeiling * rate))
        plateau = (paused || nudged) && top > rate ? top : nil
        // Refused before any call of the run got through (another client
        // took the limit just before it): nothing is known of the limit, so
        // the search goes on, doubling from the cut pace, and the first
        // signal that measures something sets the limit and the probe's scale.
        // (Probing from the cut instead held nginx's limit_req at 10 r/s at 4/s.)
        // Once: refused again before anything got through, the limit is that low.
        let nothingYet = firstFound == nil && acceptedInEpoch == 0 && !paused && !searchKeptGoing
        if nothingYet { searchKeptGoing = true }
        if nothingYet, case .slowStart = phase {} else if case .announced = phase {} else { phase = .probing }
        base = rate
        phaseStart = resume
        epochStart = resume
        acceptedInEpoch = 0
        sentInEpoch = 0
        refusedInEpoch = 0
        episode += 1
        // Until a signal measures something, each blind cut is the best
        // scale of the limit known (halving from a slow start's 8/s to a
        // limit of 0.5/s, the first cut said 8/s and stretched the probe for 8/s).
        if !nothingYet, firstFound == nil || !limitMeasured { firstFound = rate }
        if !nothingYet, !blind { limitMeasured = true }
        let first = firstFound ?? rate
        // A long wait means a window (a bucket at one call a second or more says
        // "1 s"): probe as much slower, or every window would end in a 429.
        // At low limits the probe is stretched so that it costs one refusal in many calls.
        probeScale = max(1, retryAfter.map(\.inSeconds) ?? 1, settings.callsPerProbe / first)
        // A blind cut measured nothing (the first 429 of a slow start that
        // overshot, a limit with a small burst): at a pace where a probe's
        // refusal is one call in many, climb back within a second or so,
        // or the first seconds of a run stay at half the limit.
        if blind, rate >= settings.blindProbeFrom { probeScale = settings.blindProbe }
        nextSlot = resume
        lastDecrease = now
        limitFound = rate
        return Change(from: before, to: rate, reason: .throttled(retryAfter: retryAfter))
    }

    /// The pace the episode since the last signal asks for, whether it
    /// measured nothing (a blind cut), and whether it only stepped down a little.
    ///
    /// What got through is spread up to the resume: a token bucket refills
    /// during the wait, so what the next epoch gets through includes the
    /// refill, and spreading it over the wait counts it once. But what got
    /// through undercounts the limit when the limit let through less than
    /// we sent for a reason other than its rate: nginx's `limit_req`
    /// without a burst takes one call per 1/rate and refuses the rest, so
    /// a pace a little above it gets every other call through, half the
    /// limit; and a pause the server does not make up for is counted as a
    /// pause of the limit. Hence the refused pace bounds it from above.
    private func measuredPace(current: Double, epoch: Double, sending: Double, paused: Bool, refusedPace: Double)
        -> (Double, blind: Bool, nudged: Bool)
    {
        let accepted = Double(acceptedInEpoch)
        // Too little to measure: nothing got through (another process used the
        // quota just as we resumed), or a few calls in under a second of
        // sending. (The pause after it does not count: one call through in
        // 0.15 s, spread over a `Retry-After: 2`, read as a limit of 0.47/s
        // and held a bucket of 8/s with a burst of one at a sixteenth of it.)
        let blind = acceptedInEpoch == 0 || (sending < 1 && acceptedInEpoch < settings.measuredCalls)
        let measured = blind ? current * settings.blindCut : min(current, accepted / epoch)
        guard case .probing = phase else {
            // The first signal of the slow start: its average undercounts an
            // exponential climb, and half the pace that was refused is at most
            // one doubling below the limit.
            return (paused ? measured : max(measured, current * settings.blindCut), blind, false)
        }
        if paused {
            // Just under the refused pace when that is near what got through.
            let near = settings.refusedShare * refusedPace
            return (near <= settings.plateauCeiling * measured ? max(measured, near) : measured, blind, false)
        }
        guard epoch < 1 || acceptedInEpoch < settings.measuredCalls else { return (measured, blind, false) }
        // A refusal soon after the last one, no pause between: the pace is
        // still too high. Halve it when most calls were refused (far above the
        // limit), else step down a little; when most got through (jitter at
        // the limit) climb back to just under the refused pace. (Half of them
        // is what a pace anywhere between one and two times nginx's
        // `limit_req` without a burst gets through: it says little.)
        let share = accepted / max(1, accepted + Double(refusedInEpoch))
        if share < settings.overshotShare { return (current * settings.blindCut, blind, false) }
        return (current * settings.nudge, blind, share >= settings.jitterShare)
    }

    /// Follows an announced quota: the remaining calls spread over the time until it resets.
    private mutating func follow(_ quota: RateQuota, now: ContinuousClock.Instant) -> Change? {
        let before = pace(at: now)
        if quota.remaining == 0, let reset = quota.reset, reset > .zero {
            guard pause(until: now + reset) else { return nil }
            return Change(from: before, to: before, reason: .paused(until: now + reset))
        }
        guard let announced = quota.rate else { return nil }
        var rate = announced
        if let cap = settings.cap { rate = min(rate, cap) }
        rate = max(settings.floor, rate)
        let wasAnnounced: Bool
        if case .announced = phase { wasAnnounced = true } else { wasAnnounced = false }
        phase = .announced
        base = rate
        limitFound = quota.limitRate ?? rate
        // Tell a person only when the quota starts to lead or moves by a tenth.
        guard !wasAnnounced || (before.map { abs($0 - rate) > 0.1 * $0 } ?? true) else { return nil }
        return Change(from: before, to: rate, reason: .announced)
    }

    /// Pauses every request until `instant`; false when already paused as long.
    @discardableResult
    private mutating func pause(until instant: ContinuousClock.Instant) -> Bool {
        if let pausedUntil, pausedUntil >= instant { return false }
        pausedUntil = instant
        nextSlot = max(nextSlot ?? instant, instant)
        return true
    }
}
