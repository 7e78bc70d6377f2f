import Foundation
import ReferralModel
import ReferralOutcome
import Testing

@testable import ReferralSend

/// Random `Retry-After` values (garbage, negative, huge, HTTP dates past
/// and future) thrown at the real `RateController` and `CallRetryMachine`
/// together, in simulated time: every referral is asked again until it is
/// accepted or given up, and the run ends in bounded time. Seeded, so a
/// failure names the seed that replays it.
@Suite struct RetryAfterPropertyTests {
    /// The simulation's wall clock starts here (HTTP dates are relative to it).
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)

    static func randomHeader(_ random: inout SplitMix64, at now: Date) -> String? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        switch random.next() % 12 {
        case 0: return nil
        case 1: return ["", " ", "soon", "1.5", "1e3", "٣", "0x10", "5 s", "Retry later", "-", "+"].randomElement(using: &random)
        case 2: return "-\(random.next() % 100_000)"
        case 3: return String(random.next() % 4)
        case 4: return String(random.next() % 1_000_000_000)
        case 5: return "9223372036854775807"
        case 6: return String(repeating: "9", count: 1 + Int(random.next() % 40))
        case 7: return formatter.string(from: now.addingTimeInterval(-Double(random.next() % 1_000_000_000)))
        case 8: return formatter.string(from: now.addingTimeInterval(Double(random.next() % 10)))
        case 9: return formatter.string(from: now.addingTimeInterval(Double(random.next() % 1_000_000_000)))
        case 10: return "Fri, 31 Dec 9999 23:59:59 GMT"
        default: return "+\(random.next() % 3)"
        }
    }

    struct Outcome {
        var finished = 0
        var gaveUp = 0
        var end: Duration = .zero
    }

    /// `referrals` calls, each with its own retry machine, sharing one
    /// controller; the server answers 429 (or now and then 503) with a random
    /// `Retry-After` to its first `refusals` calls, then accepts everything.
    static func run(seed: UInt64, referrals: Int = 8, refusals: Int) -> Outcome {
        var random = SplitMix64(seed: seed)
        let policy = RetryPolicy()
        var controller = RateController()
        let origin = ContinuousClock.now
        let latency: Duration = .milliseconds(20)
        enum Step { case ready, send(RateController.Reservation), done }
        var machines = [CallRetryMachine](repeating: CallRetryMachine(policy: policy), count: referrals)
        var steps = [(time: Duration, step: Step)](repeating: (.zero, .ready), count: referrals)
        var answered = 0
        var outcome = Outcome()
        // Bounded in count: every pass moves one referral a step.
        for _ in 0..<100_000 {
            guard let next = steps.indices.filter({ if case .done = steps[$0].step { false } else { true } })
                .min(by: { steps[$0].time < steps[$1].time })
            else { break }
            let time = steps[next].time
            switch steps[next].step {
            case .ready:
                let reservation = controller.reserve(now: origin + time)
                steps[next] = (reservation.at - origin, .send(reservation))
            case .send(let waiting):
                let reservation: RateController.Reservation
                switch controller.confirm(waiting, now: origin + time) {
                case .send(let sent):
                    reservation = sent
                case .wait(let renewed):
                    steps[next] = (renewed.at - origin, .send(renewed))
                    continue
                case .full:
                    // One call in flight at a time here: never more than the server takes.
                    Issue.record("no room in flight with one call at a time")
                    return outcome
                }
                let now = time + latency
                answered += 1
                let status = answered > refusals ? 200 : (random.next() % 5 == 0 ? 503 : 429)
                let header = status == 200 ? nil : randomHeader(&random, at: epoch.addingTimeInterval(now.inSeconds))
                let retryAfter = RetryPolicy.retryAfter(header, now: epoch.addingTimeInterval(now.inSeconds))
                if let retryAfter { #expect(retryAfter >= .zero && retryAfter <= RetryPolicy.longest, "\(header ?? "")") }
                _ = controller.answered(
                    RateController.Answer(status: status, retryAfter: retryAfter, quota: nil, maxRetryAfter: policy.maxRetryAfter),
                    to: reservation, now: origin + now)
                switch machines[next].next(.response(status: status, retryAfter: retryAfter), random: &random) {
                case .finish:
                    outcome.finished += 1
                    steps[next] = (now, .done)
                case .giveUp:
                    outcome.gaveUp += 1
                    steps[next] = (now, .done)
                case .retry(let delay):
                    steps[next] = (now + delay, .ready)
                case .refreshTokenThenRetry:
                    steps[next] = (now, .ready)
                }
                outcome.end = max(outcome.end, now)
            case .done:
                break
            }
        }
        return outcome
    }

    @Test(arguments: 0..<200)
    func everyReferralIsAskedAgainOrAccountedForInBoundedTime(seed: UInt64) {
        var random = SplitMix64(seed: seed &* 7919)
        let referrals = 1 + Int(random.next() % 16)
        let refusals = Int(random.next() % 40)
        let outcome = Self.run(seed: seed, referrals: referrals, refusals: refusals)
        #expect(outcome.finished + outcome.gaveUp == referrals, "seed \(seed)")
        // Six attempts, each waiting at most the 30 s backoff cap or the 120 s
        // longest Retry-After honoured, and the pace's own gaps: far under 30 minutes.
        #expect(outcome.end < .seconds(1800), "seed \(seed): ended after \(outcome.end)")
    }

    /// The issue's hang: eight referrals whose first answers are 429 with
    /// `Retry-After: -5` (garbage, so no pause; `0` and a past date pause for
    /// nothing). Each refusal cut the pace by half until it reached one call
    /// every 100 s.
    @Test(arguments: ["-5", "0", "Wed, 21 Oct 2015 07:28:00 GMT", "garbage"])
    func aNegativeRetryAfterOnTheFirstAnswersDoesNotStallTheRun(header: String) {
        var controller = RateController()
        let origin = ContinuousClock.now
        var sent: [RateController.Reservation] = []
        for _ in 0..<8 { sent.append(controller.reserve(now: origin)) }
        let retryAfter = RetryPolicy.retryAfter(header, now: Self.epoch)
        #expect(retryAfter == nil || retryAfter == .zero)
        var time = Duration.milliseconds(20)
        // Every call is refused once, asked again at the pace, and refused again.
        for _ in 0..<3 {
            for index in sent.indices {
                time += .milliseconds(30)
                _ = controller.answered(.throttled(retryAfter: retryAfter, nil), to: sent[index], now: origin + time)
                sent[index] = controller.reserve(now: origin + time)
            }
        }
        #expect(controller.rate(at: origin + time) >= 1, "\(controller.rate(at: origin + time))/s")
        #expect(Self.run(seed: 5, referrals: 8, refusals: 8).end < .seconds(60))
    }

    @Test func hugeAndNonsensicalValuesAreReadSafely() {
        let now = Self.epoch
        #expect(RetryPolicy.retryAfter("-5", now: now) == nil)
        #expect(RetryPolicy.retryAfter("+-5", now: now) == nil)
        #expect(RetryPolicy.retryAfter("9223372036854775807", now: now) == RetryPolicy.longest)
        #expect(RetryPolicy.retryAfter(String(repeating: "9", count: 30), now: now) == RetryPolicy.longest)
        #expect(RetryPolicy.retryAfter("Fri, 31 Dec 9999 23:59:59 GMT", now: now) == RetryPolicy.longest)
        #expect(RetryPolicy.retryAfter("Thu, 01 Jan 1970 00:00:00 GMT", now: now) == .zero)
        #expect(DurationText.seconds(RetryPolicy.longest) == "31536000 s")
    }
}
