import Foundation
import ReferralModel

/// The retry decisions of one API call, as a pure state machine: fed what
/// each attempt got, it says what to do next. It never sleeps or reads a
/// clock; the caller does both, and keeps the same `MS-RequestId` for every
/// attempt of the call.
struct CallRetryMachine {
    enum Event: Sendable {
        /// The server answered.
        case response(status: Int, retryAfter: Duration?)
        /// No answer: timeout, refused or dropped connection.
        case transportFailure(String)
    }

    enum Action: Sendable, Equatable {
        /// Use this answer (success or a final error such as 400, 404, 412).
        case finish
        /// Wait, then send the same call again (same request ID).
        case retry(after: Duration)
        /// The token was rejected: get a fresh one, then send again at once.
        case refreshTokenThenRetry
        /// Stop: attempts exhausted, or a second 401.
        case giveUp(String)
    }

    let policy: RetryPolicy
    private(set) var attempts = 0
    private(set) var refreshedToken = false
    /// Attempts that got no answer at all: a PATCH among them may have been applied.
    private(set) var unansweredAttempts = 0
    private(set) var throttled = 0

    init(policy: RetryPolicy) { self.policy = policy }

    mutating func next(_ event: Event, random: inout some RandomNumberGenerator) -> Action {
        attempts += 1
        switch event {
        case .response(401, _):
            if refreshedToken { return .giveUp("401: the refreshed token was rejected too") }
            refreshedToken = true
            return .refreshTokenThenRetry
        case .response(let status, let retryAfter) where RetryPolicy.isRetryable(status: status):
            if status == 429 { throttled += 1 }
            if let retryAfter, retryAfter > policy.maxRetryAfter {
                return .giveUp(
                    "\(status): the server asked to wait \(DurationText.seconds(retryAfter)), more than --max-retry-after \(DurationText.seconds(policy.maxRetryAfter))")
            }
            guard attempts < policy.maxAttempts else { return .giveUp("\(status) after \(attempts) attempts") }
            return .retry(after: policy.delay(afterAttempt: attempts, retryAfter: retryAfter, random: &random))
        case .response:
            return .finish
        case .transportFailure(let reason):
            unansweredAttempts += 1
            guard attempts < policy.maxAttempts else { return .giveUp("\(reason) after \(attempts) attempts") }
            return .retry(after: policy.delay(afterAttempt: attempts, retryAfter: nil, random: &random))
        }
    }

    /// `300 s`, `1.5 s`.
}
