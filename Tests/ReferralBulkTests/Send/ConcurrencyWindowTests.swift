import Testing

@testable import ReferralSend

/// The window against both kinds of limit, call by call: which refusals
/// it reads as too many calls in flight, and which as a pace too high.
@Suite struct ConcurrencyWindowTests {
    /// Sends calls until `count` are in flight; returns where each went.
    static func fill(_ window: inout ConcurrencyWindow, to count: Int) -> [ConcurrencyWindow.Place] {
        var places: [ConcurrencyWindow.Place] = []
        while window.inFlight < count { places.append(window.sent()) }
        return places
    }

    /// Four in flight get through, the fifth is refused: a limit of four.
    static func foundAtFour() -> ConcurrencyWindow {
        var window = ConcurrencyWindow()
        let places = fill(&window, to: 5)
        for place in places.prefix(4) { _ = window.answered(place, refused: false) }
        #expect(window.answered(places[4], refused: true) == .concurrency(limit: 4, paceStands: false))
        return window
    }

    @Test func aRefusalAboveLevelsThatGotThroughSetsTheWindowBelowIt() {
        var window = Self.foundAtFour()
        #expect(window.limit == 4)
        _ = Self.fill(&window, to: 4)
        #expect(!window.hasRoom)
    }

    @Test func aCallAloneInFlightRefusedIsARateLimitForTheRun() {
        var window = ConcurrencyWindow()
        let alone = window.sent()
        #expect(window.answered(alone, refused: true) == .rate)
        // Later refusals that look like a window are the rate's as well.
        let places = Self.fill(&window, to: 3)
        for place in places.prefix(2) { _ = window.answered(place, refused: false) }
        #expect(window.answered(places[2], refused: true) == .rate)
        #expect(window.limit == nil)
    }

    @Test func callsThatWentBeforeTheWindowWasSetAreCountedWithIt() {
        var window = ConcurrencyWindow()
        let places = Self.fill(&window, to: 7)
        for place in places.prefix(4) { _ = window.answered(place, refused: false) }
        #expect(window.answered(places[4], refused: true) == .concurrency(limit: 4, paceStands: false))
        #expect(window.answered(places[5], refused: true) == .counted(paceStands: false))
        #expect(window.answered(places[6], refused: true) == .counted(paceStands: false))
        #expect(window.limit == 4)
    }

    /// A rate limit read as a window at first (the slow start overshot it
    /// with many in flight): a refusal with room left in the window drops it.
    @Test func aRefusalWithRoomLeftInTheWindowIsARateLimitAfterAll() {
        var window = Self.foundAtFour()
        var places = Self.fill(&window, to: 3)
        #expect(window.answered(places.removeLast(), refused: true) == .rate)
        #expect(window.limit == nil)
        places.append(contentsOf: Self.fill(&window, to: 6))
        #expect(window.answered(places.removeLast(), refused: true) == .rate)
        #expect(window.hasRoom)
    }

    /// Found too high (answers heard late make calls meet more of ours than
    /// the server holds): each refusal of the full window lowers it by one.
    @Test func aFullWindowRefusedIsLoweredByOneEachTime() {
        var window = Self.foundAtFour()
        var places = Self.fill(&window, to: 4)
        #expect(window.answered(places.removeLast(), refused: true) == .concurrency(limit: 3, paceStands: false))
        // The three others went before it changed: at or above the new window, counted with it.
        #expect(window.answered(places.removeLast(), refused: true) == .counted(paceStands: false))
        for place in places { _ = window.answered(place, refused: false) }
        places = Self.fill(&window, to: 3)
        #expect(window.answered(places.removeLast(), refused: true) == .concurrency(limit: 2, paceStands: false))
        #expect(window.limit == 2)
    }

    /// A call sent later overtook one on the way (a loaded machine): the
    /// first met the server with more in flight than went before it. It is
    /// read at the most that were in flight while it was, not at its level.
    @Test func aRefusedCallIsReadAtThePeakOfTheCallsInFlightWhileItWas() {
        var window = ConcurrencyWindow()
        let first = window.sent()
        let second = window.sent()
        _ = window.answered(second, refused: false)
        let third = window.sent()
        _ = window.answered(third, refused: false)
        // `first` went alone (level 1), yet two were in flight while it was:
        // not a rate limit's refusal of a call alone (no call got through
        // alone yet either: no window for now).
        #expect(first.level == 1)
        #expect(window.answered(first, refused: true) == .rate)
        // So a window of one is still found once a call alone got through.
        _ = window.answered(window.sent(), refused: false)
        let places = Self.fill(&window, to: 2)
        #expect(window.answered(places[1], refused: true) == .concurrency(limit: 1, paceStands: false))
    }

    @Test func theWindowProbesUpwardAndARefusedProbeLowersItWithThePaceStanding() {
        var window = Self.foundAtFour()
        // 100 calls at the window's level get through: one more may go.
        for _ in 0..<100 {
            let places = Self.fill(&window, to: 4)
            for place in places { _ = window.answered(place, refused: false) }
        }
        #expect(window.limit == 5)
        let places = Self.fill(&window, to: 5)
        #expect(window.answered(places[4], refused: true) == .concurrency(limit: 4, paceStands: true))
        for place in places.prefix(4) { _ = window.answered(place, refused: false) }
        // The next probe waits for twice as many calls.
        for _ in 0..<100 {
            let places = Self.fill(&window, to: 4)
            for place in places { _ = window.answered(place, refused: false) }
        }
        #expect(window.limit == 4)
        for _ in 0..<100 {
            let places = Self.fill(&window, to: 4)
            for place in places { _ = window.answered(place, refused: false) }
        }
        #expect(window.limit == 5)
    }

    @Test func aCallWithoutAnAnswerLeavesTheFlightAndSaysNothing() {
        var window = Self.foundAtFour()
        let places = Self.fill(&window, to: 4)
        #expect(window.answered(places[0], refused: nil) == .rate)
        #expect(window.inFlight == 3)
        #expect(window.hasRoom)
        #expect(window.limit == 4)
    }
}
