import InMemoryLogging
import Logging
import Synchronization
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend

@Suite struct SendGovernorTests {
    /// A caller's way through the governor: reserve, sleep until the slot, confirm (bounded).
    static func send(through governor: SendGovernor) async throws -> RateController.Reservation {
        var reservation = await governor.reserve()
        for _ in 0..<100 {
            try await Task.sleep(until: reservation.at)
            switch try await governor.confirm(reservation) {
            case .send(let sent): return sent
            case .wait(let renewed): reservation = renewed
            }
        }
        throw CancellationError()
    }

    @Test func retryAfterOnA429PausesEveryWorker() async {
        let governor = SendGovernor(rate: .init(cap: 1000), stop: StopSignal())
        let sent = await governor.reserve()
        await governor.answered(status: 429, retryAfter: .seconds(30), quota: nil, to: sent)
        // Another worker's next call waits for the pause (30 s: no clock jitter comes near).
        #expect(await governor.reserve().at > .now + .seconds(20))
    }

    /// A governor that has learnt the server takes one call at a time
    /// (`limit_conn 1`: one call alone got through, then one of two in flight
    /// was refused), with `first` in flight.
    static func oneAtATime() async throws -> (SendGovernor, first: RateController.Reservation) {
        let governor = SendGovernor(rate: .init(cap: 1000), stop: StopSignal())
        await governor.answered(status: 200, retryAfter: nil, quota: nil, to: try await send(through: governor))
        let first = try await send(through: governor)
        await governor.answered(status: 429, retryAfter: nil, quota: nil, to: try await send(through: governor))
        return (governor, first)
    }

    /// A server that takes one call at a time: the second caller waits in
    /// `confirm` until the first call is answered, then goes.
    @Test func aCallerWaitsForRoomInFlightUntilACallIsAnswered() async throws {
        let (governor, first) = try await Self.oneAtATime()
        let waiting = Task { try await Self.send(through: governor) }
        try await Task.sleep(for: .milliseconds(50))
        await governor.unanswered(first)
        let second = try await waiting.value
        #expect(second.place?.level == 1)
    }

    /// Cancelled while it waits for room (Ctrl-C, a stopped pool), a caller
    /// stops waiting at once instead of when some call is answered.
    @Test func aCallerWaitingForRoomStopsWaitingWhenCancelled() async throws {
        // `first` stays in flight: the next caller waits.
        let (governor, first) = try await Self.oneAtATime()
        let waiting = Task { try await Self.send(through: governor) }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        // A caller deaf to cancellation would wait until `first` is answered:
        // this answers it after 30 s, so that such a caller ends (and the
        // test fails on the backstop having had to) instead of hanging.
        let backstop = Task { () -> Bool in
            do { try await Task.sleep(for: .seconds(30)) } catch { return false }
            await governor.unanswered(first)
            return true
        }
        await #expect(throws: CancellationError.self) { try await waiting.value }
        backstop.cancel()
        #expect(await backstop.value == false, "the cancelled caller waited until a call was answered")
        // The room it waited for is still there for the next caller.
        await governor.unanswered(first)
        #expect(try await Self.send(through: governor).place?.level == 1)
    }

    @Test func aRetryAfterBeyondTheMaximumDoesNotPauseThePool() async {
        let governor = SendGovernor(rate: .init(cap: 1000), maxRetryAfter: .seconds(120), stop: StopSignal())
        let sent = await governor.reserve()
        await governor.answered(status: 429, retryAfter: .seconds(300), quota: nil, to: sent)
        #expect(await governor.reserve().at < .now + .seconds(60))
    }

    @Test func theRunStopsWhenTheAPIKeepsAskingForLongerWaitsThanWeHonour() async {
        let stop = StopSignal()
        let governor = SendGovernor(maxRetryAfter: .seconds(120), stop: stop)
        for _ in 0..<(SendGovernor.tooLongWaitsToStop - 1) {
            await governor.answered(status: 429, retryAfter: .seconds(600), quota: nil, to: await governor.reserve())
        }
        #expect(!stop.isStopped)
        await governor.answered(status: 503, retryAfter: .seconds(600), quota: nil, to: await governor.reserve())
        #expect(stop.reason == .waitsTooLong(asked: .seconds(600), limit: .seconds(120)))
        #expect(stop.reason?.description == "stopped: the API keeps asking to wait 600 s, longer than --max-retry-after 120 s")
    }

    @Test func anAcceptedCallInBetweenResetsTheCountOfLongWaits() async {
        let stop = StopSignal()
        let governor = SendGovernor(maxRetryAfter: .seconds(120), stop: stop)
        for index in 0..<(3 * SendGovernor.tooLongWaitsToStop) {
            let status = index % 5 == 4 ? 200 : 429
            await governor.answered(status: status, retryAfter: .seconds(600), quota: nil, to: await governor.reserve())
        }
        #expect(!stop.isStopped)
    }

    @Test func theInfoLogSaysWhenAndWhyThePaceChanged() async {
        let memory = InMemoryLogHandler()
        var logger = Logger(label: "test") { _ in memory }
        logger.logLevel = .info
        let paces = PaceRecorder()
        let governor = SendGovernor(stop: StopSignal(), logger: logger, onPace: { paces.record($0) })
        let sent = await governor.reserve()
        let quota = RateQuota(limit: 50, window: .seconds(1))
        await governor.answered(status: 200, retryAfter: nil, quota: quota, to: sent)
        let entry = memory.entries.first
        #expect(entry?.message.description == "pace: following the quota the server announced")
        #expect(entry?.metadata["to"] == "50/s")
        #expect(entry?.metadata["from"] == "searching")
        #expect(paces.last == 50)
    }
}

/// The paces a governor reported, for tests.
final class PaceRecorder: Sendable {
    private let paces = Mutex<[Double?]>([])
    func record(_ pace: Double?) { paces.withLock { $0.append(pace) } }
    var last: Double? { paces.withLock { $0.last ?? nil } }
}
