/// How many calls may be in flight at once, as a pure state machine: it is
/// told when a call goes and how it was answered, and finds whether the
/// server's refusals follow the number of calls in flight (nginx's
/// `limit_conn`) rather than their rate.
///
/// Each call goes at a level: the number of the run's calls in flight when
/// it went, itself included; a refused call is read at its peak, the most
/// that were in flight at once while it was (a call sent later may overtake
/// it on the way, on a loaded machine, so that it meets more at the server
/// than went before it). A server that takes at most N at once refuses no
/// call whose peak is N or below (it holds no more of ours than we have in
/// flight: it lets a call go before we hear its answer) and most of those
/// above; a rate limit refuses calls at whatever level, as their pace has
/// it. So:
/// - Until a verdict, a refusal at peak ℓ ≥ 2, where no call was refused at
///   a lower peak yet, sets the window to ℓ − 1 or to the highest level a
///   call got through at, whichever is lower. That refusal could still be
///   either kind's (a slow start that overshot a rate limit refuses its
///   calls at the high levels it reached), so the pace is cut for it as
///   well; the window costs nothing while the pace keeps the calls in
///   flight below it. A refusal at peak 1 (a call alone in flight) is a
///   rate limit's.
/// - A refusal of a call that went before the window last changed, at or
///   above the new window, is part of that change: nothing more.
/// - A call refused while the window was full shows it one too many: the
///   window is lowered by one (found too high: answers heard late make
///   calls meet more of ours than the server holds). After a probe (below)
///   the pace stands; else the pace is cut as well.
/// - The window probes upward: after `probeCalls` calls at its level got
///   through, one more may go; each lowering doubles the calls before the
///   next probe (the limit is known).
/// - A call refused with room left in the window is a rate limit's: the
///   window is dropped for the run and the pace decides, as it would have
///   without this machine.
///
/// At one latency a rate limit R looks like a concurrency limit of R ×
/// latency, and both cap the calls alike; the two part when the latency
/// changes, which the probe (a window too low) and a refusal within the
/// window (a rate after all) follow.
package struct ConcurrencyWindow: Sendable, Equatable {
    /// Where a call went: its level, and the window it went under.
    package struct Place: Sendable, Equatable {
        package var level: Int
        fileprivate var window: Int
        /// The call's number among those sent: its key in `peaks`.
        fileprivate var call: Int
    }

    /// What a refusal meant.
    package enum Verdict: Sendable, Equatable {
        /// The pace is too high: the rate controller decides.
        case rate
        /// The calls in flight were too many: the window is now `limit`;
        /// `paceStands` when the refusal followed a probe of the window (the
        /// limit is the calls in flight, not their pace), else the rate
        /// controller decides as well.
        case concurrency(limit: Int, paceStands: Bool)
        /// A call that went before the window last changed: already
        /// counted, and `paceStands` as it did for that change.
        case counted(paceStands: Bool)
    }

    package struct Settings: Sendable, Equatable {
        /// Calls at the level just below a refusal that must have got through
        /// before the refusal is read as a concurrency limit.
        package var evidence = 1
        /// Calls at the window's level that get through before it is raised by one.
        package var probeCalls = 100
        /// The most `probeCalls` grows to after probes that were refused.
        package var maxProbeCalls = 1_600

        package init() {}
    }

    private enum State: Sendable, Equatable {
        /// No verdict yet: refusals so far could be either kind's.
        case undecided
        /// A concurrency limit: at most `limit` in flight, since `change`.
        case limited(limit: Int, since: Change)
        /// A rate limit: no window for the rest of the run.
        case rateLimited
    }

    /// What the window's last change was: whether the pace stands when a
    /// full window is refused, and for the calls that went before.
    private enum Change: Sendable, Equatable {
        /// Found from a refusal.
        case found
        /// Raised by a probe: a refusal lowers it back, the pace standing.
        case raised
        /// Lowered after a refusal of the full window.
        case lowered
    }

    package let settings: Settings
    private var state = State.undecided
    /// Calls sent and not yet answered.
    package private(set) var inFlight = 0
    /// Calls sent so far: the next call's number.
    private var calls = 0
    /// For each call in flight, the most calls that were in flight at once
    /// since it went: the most the server can have held when it arrived.
    private var peaks: [Int: Int] = [:]
    /// Bumped by every change of the window: the calls that went before are stale.
    private var changes = 0
    /// Calls that got through at each level (index: level − 1), over the run.
    private var acceptedAt: [Int] = []
    /// The lowest peak a call was refused at, over the run.
    private var lowestRefused: Int?
    /// Calls at the window's level that got through since it last changed.
    private var acceptedAtLimit = 0
    private var probeCalls: Int
    /// Whether the last lowering followed a probe (the pace stood for it).
    private var lowerStoodPace = false

    package init(settings: Settings = Settings()) {
        self.settings = settings
        probeCalls = settings.probeCalls
    }

    /// The most calls that may be in flight: nil, as many as the pool has.
    package var limit: Int? {
        if case .limited(let limit, _) = state { return limit }
        return nil
    }

    /// Whether another call may go now.
    package var hasRoom: Bool { limit.map { inFlight < $0 } ?? true }

    /// A call goes: where it went, to answer with.
    package mutating func sent() -> Place {
        inFlight += 1
        calls += 1
        for index in peaks.values.indices { peaks.values[index] = max(peaks.values[index], inFlight) }
        peaks[calls] = inFlight
        return Place(level: inFlight, window: changes, call: calls)
    }

    /// The call that went at `place` was answered (`refused`: a 429), or got
    /// no answer or a 503 (`nil`: it says nothing of the limit).
    package mutating func answered(_ place: Place, refused: Bool?) -> Verdict {
        inFlight = max(0, inFlight - 1)
        // A refusal is read at the peak, not at the level it went at: a call
        // sent later may have overtaken it on the way (a loaded machine), so
        // that it met more calls at the server than were in flight when it went.
        let level = peaks.removeValue(forKey: place.call) ?? place.level
        guard let refused else { return .rate }
        guard refused else {
            accepted(at: place)
            return .rate
        }
        defer { lowestRefused = min(lowestRefused ?? level, level) }
        switch state {
        case .rateLimited:
            return .rate
        case .undecided:
            // It met at most `level − 1` others there, and calls got through
            // at levels up to `acceptedAt.count`: the window is the lower.
            let window = min(level - 1, acceptedAt.count)
            guard level >= 2, (lowestRefused ?? .max) >= level, window >= 1, count(at: window) >= settings.evidence else {
                if level == 1 { state = .rateLimited }
                return .rate
            }
            return setLimit(window, .found, paceStands: false)
        case .limited(let limit, let since):
            let stale = place.window != changes
            // Above the window, or at it, a call that went before it changed
            // was one of those that made it change.
            if stale, level >= limit { return .counted(paceStands: since == .lowered && lowerStoodPace) }
            // A full window refused was one too many; a call refused with
            // room left in the window, a rate limit's.
            if !stale, level >= limit, limit >= 2 {
                probeCalls = min(settings.maxProbeCalls, probeCalls * 2)
                lowerStoodPace = since == .raised
                return setLimit(limit - 1, .lowered, paceStands: lowerStoodPace)
            }
            state = .rateLimited
            return .rate
        }
    }

    private mutating func accepted(at place: Place) {
        while acceptedAt.count < place.level { acceptedAt.append(0) }
        acceptedAt[place.level - 1] += 1
        guard case .limited(let limit, _) = state, place.level == limit, place.window == changes else { return }
        acceptedAtLimit += 1
        if acceptedAtLimit >= probeCalls { _ = setLimit(limit + 1, .raised, paceStands: true) }
    }

    private func count(at level: Int) -> Int {
        acceptedAt.indices.contains(level - 1) ? acceptedAt[level - 1] : 0
    }

    private mutating func setLimit(_ limit: Int, _ change: Change, paceStands: Bool) -> Verdict {
        state = .limited(limit: limit, since: change)
        changes += 1
        acceptedAtLimit = 0
        return .concurrency(limit: limit, paceStands: paceStands)
    }
}
