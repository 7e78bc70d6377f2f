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
    /// with many in flight): refusals within the window drop it.
    @Test func refusalsWithinTheWindowAreARateLimitAfterAll() {
        var window = Self.foundAtFour()
        var places = Self.fill(&window, to: 3)
        // The first refusal within it: one too many, it says.
        #expect(window.answered(places.removeLast(), refused: true) == .concurrency(limit: 3, paceStands: false))
        places.append(contentsOf: Self.fill(&window, to: 3))
        #expect(window.answered(places.removeLast(), refused: true) == .rate)
        #expect(window.limit == nil)
        #expect(window.hasRoom)
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
