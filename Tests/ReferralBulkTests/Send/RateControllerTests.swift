import Testing

@testable import ReferralSend

@Suite struct RateControllerTests {
    let start = ContinuousClock.now

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    @Test func aCapSpacesRequests() {
        var settings = RateController.Settings(cap: 10)
        settings.initialRate = 10
        var controller = RateController(settings: settings)
        #expect(controller.reserve(now: start).at == start)
        #expect(controller.reserve(now: start).at == at(100))
        #expect(controller.reserve(now: start).at == at(200))
    }

    @Test func slowStartDoublesThePaceUntilTheFirstSignal() {
        var controller = RateController()
        #expect(controller.rate(at: start) == 8)
        _ = controller.reserve(now: start)
        #expect(controller.rate(at: at(150)) == 16)
        #expect(controller.rate(at: at(600)) == 128)
        #expect(controller.pace(at: at(600)) == nil)  // still searching: nothing to show
    }

    @Test func latencyRunsFromTheSendNotFromTheSlot() {
        var controller = RateController()
        let reservation = controller.reserve(now: start)
        // Sent 300 ms after its slot (it waited for room in flight), answered 50 ms later.
        guard case .send(let sent) = controller.confirm(reservation, now: at(300)) else {
            Issue.record("expected the call to go")
            return
        }
        _ = controller.answered(.accepted(nil), to: sent, now: at(350))
        #expect(controller.latency.map { abs($0 - 0.05) < 1e-9 } == true)
    }

    @Test func aBurstOf429sForRequestsReservedBeforeTheDecreaseIsOneSignal() {
        var controller = RateController()
        let sent = (0..<40).map { _ in controller.reserve(now: start) }
        for reservation in sent.prefix(20) { _ = controller.answered(.accepted(nil), to: reservation, now: at(2000)) }
        #expect(controller.answered(.throttled(retryAfter: .seconds(1), nil), to: sent[20], now: at(2000)) != nil)
        let paced = controller.rate(at: at(3000))
        for reservation in sent.dropFirst(21) {
            #expect(controller.answered(.throttled(retryAfter: .seconds(1), nil), to: reservation, now: at(2010)) == nil)
        }
        #expect(controller.rate(at: at(3000)) == paced)
    }

    @Test func aSignalPacesAtWhatTheServerAcceptedOverTheTimeUntilItLetsUsSendAgain() {
        var controller = RateController()
        let sent = (0..<40).map { _ in controller.reserve(now: start) }
        // 30 accepted in the first two seconds, then a 429 saying "wait 1 s": 10/s
        // (a pause that holds back 10 calls: cheap, so the pool pauses).
        for reservation in sent.prefix(30) { _ = controller.answered(.accepted(nil), to: reservation, now: at(2000)) }
        let change = controller.answered(.throttled(retryAfter: .seconds(1), nil), to: sent[30], now: at(2000))
        #expect(change?.to == 10)
        #expect(change?.reason == .throttled(retryAfter: .seconds(1)))
        #expect(controller.limitFound == 10)
        #expect(controller.reserve(now: at(2010)).at >= at(3000))
    }

    /// nginx adding `Retry-After: 1` to `limit_req` at 100 r/s: pausing the
    /// pool on every refusal held 0.51 of the limit. A wait that would hold
    /// back many calls holds back only the refused one (its retry waits);
    /// the pace is what got through while sending.
    @Test func aShortRetryAfterThatWouldHoldBackManyCallsDoesNotPauseThePool() {
        var controller = RateController()
        let sent = (0..<400).map { _ in controller.reserve(now: start) }
        for reservation in sent.prefix(300) { _ = controller.answered(.accepted(nil), to: reservation, now: at(2000)) }
        let change = controller.answered(.throttled(retryAfter: .seconds(1), nil), to: sent[300], now: at(2000))
        #expect(change?.to == 150)  // 300 in 2 s: the second of pause is not counted
        #expect(controller.reserve(now: at(2010)).at < at(2100))
    }

    /// The same wait from a fixed window that is spent: the calls after the
    /// cut are refused and none gets through, so the cut is undone and the
    /// pool pauses after all, at what got through over the time until it may send.
    @Test func aSpentWindowPausesThePoolAfterAllWhenNothingGetsThroughAfterTheCut() {
        var controller = RateController()
        let sent = (0..<400).map { _ in controller.reserve(now: start) }
        for reservation in sent.prefix(300) { _ = controller.answered(.accepted(nil), to: reservation, now: at(2000)) }
        _ = controller.answered(.throttled(retryAfter: .seconds(1), nil), to: sent[300], now: at(2000))
        let reserved = controller.reserve(now: at(2000))
        guard case .send(let after) = controller.confirm(reserved, now: reserved.at) else {
            Issue.record("a reservation made after the cut is not sent")
            return
        }
        let change = controller.answered(.throttled(retryAfter: .seconds(1), nil), to: after, now: at(2100))
        #expect(change != nil)
        // 300 accepted from the start to the end of the wait (3.1 s).
        #expect(abs((change?.to ?? 0) - 300 / 3.1) < 0.01)
        #expect(controller.reserve(now: at(2110)).at >= at(3100))
    }

    @Test func retryAfterPausesEveryRequestUntilThen() {
        var controller = RateController(settings: .init(cap: 1000))
        let sent = controller.reserve(now: start)
        _ = controller.answered(.throttled(retryAfter: .seconds(5), nil), to: sent, now: at(20))
        #expect(controller.reserve(now: at(30)).at == at(5020))
        #expect(controller.reserve(now: at(40)).at > at(5020))
    }

    @Test func aReservationMadeBeforeAPauseIsRenewedAfterIt() {
        var controller = RateController(settings: .init(cap: 1000))
        let first = controller.reserve(now: start)
        let waiting = controller.reserve(now: start)
        guard case .send(let sent) = controller.confirm(first, now: start) else {
            Issue.record("the first reservation is not sent")
            return
        }
        _ = controller.answered(.throttled(retryAfter: .seconds(5), nil), to: sent, now: at(20))
        guard case .wait(let renewed) = controller.confirm(waiting, now: waiting.at) else {
            Issue.record("a reservation made before the pause is sent")
            return
        }
        #expect(renewed.at >= at(5020))
        guard case .send = controller.confirm(renewed, now: renewed.at) else {
            Issue.record("the renewed reservation is not sent")
            return
        }
    }

    @Test func a503WithRetryAfterPausesThePoolButKeepsThePace() {
        var controller = RateController(settings: .init(cap: 50))
        let sent = controller.reserve(now: start)
        let change = controller.answered(.unavailable(retryAfter: .seconds(2)), to: sent, now: at(20))
        #expect(change?.reason == .paused(until: at(2020)))
        #expect(controller.rate(at: at(3000)) == 50)
        #expect(controller.reserve(now: at(30)).at == at(2020))
    }

    @Test func aSignalTooSoonToMeasureHalvesThePace() {
        var settings = RateController.Settings(cap: 100)
        settings.initialRate = 100
        var controller = RateController(settings: settings)
        let sent = (0..<100).map { _ in controller.reserve(now: start) }
        // Nothing got through in half a second (another shard used the quota): half, not the floor.
        let change = controller.answered(.throttled(retryAfter: nil, nil), to: sent[99], now: at(500))
        #expect(change?.to == 50)
    }

    @Test func anAnnouncedQuotaLeadsThePaceBeforeAny429() {
        var controller = RateController()
        let sent = controller.reserve(now: start)
        let quota = RateQuota(limit: 1000, window: .seconds(10), remaining: 900, reset: .seconds(10))
        let change = controller.answered(.accepted(quota), to: sent, now: at(20))
        #expect(change?.reason == .announced)
        #expect(controller.pace(at: at(5000)) == 90)
        #expect(controller.limitFound == 100)
    }

    @Test func noQuotaLeftPausesUntilItResets() {
        var controller = RateController()
        let sent = controller.reserve(now: start)
        let quota = RateQuota(limit: 100, window: .seconds(1), remaining: 0, reset: .seconds(1))
        #expect(controller.answered(.accepted(quota), to: sent, now: at(20))?.reason == .paused(until: at(1020)))
        #expect(controller.reserve(now: at(30)).at == at(1020))
    }

    @Test func theCapBoundsAnAnnouncedQuota() {
        var controller = RateController(settings: .init(cap: 20))
        let sent = controller.reserve(now: start)
        _ = controller.answered(.accepted(RateQuota(limit: 100, window: .seconds(1))), to: sent, now: at(20))
        #expect(controller.pace(at: at(100)) == 20)
    }
}
