/// Tells a run that cannot succeed from one having a bad moment, fast: a
/// pure state machine fed with the end of every attempt and call (and,
/// for gateway errors, the time the caller read: it reads no clock).
///
/// - `threshold` attempts in a row that could not reach the endpoint at all
///   (connection refused or timed out, DNS, TLS), with no answer between them, mean a
///   wrong URL or a dead host: the run aborts in seconds instead of burning
///   every row's retries.
/// - Gateway errors only (502/503/504 without the API's JSON,
///   `ServerError.fromGateway`) for `gatewaySpan`, at least `2 × threshold`
///   of them, with no answer from the API between: a live proxy in front
///   of a dead backend, which is as unreachable as a dead host.
/// - `threshold` calls in a row that ended with a 401 even after a token
///   refresh mean every token is rejected.
///
/// Any answer from the API that is not a 401 resets all three counts.
struct EndpointHealth: Sendable {
    enum Verdict: Sendable, Equatable {
        case keepGoing
        case unreachable(TransportFailure)
        /// Every answer for `gatewaySpan` was a gateway's error with this (last) status.
        case gatewayDown(status: Int)
        case everyTokenRejected
    }

    let threshold: Int
    /// How long gateway errors alone must last: a proxy's brief hiccup
    /// while its backend restarts is not a dead backend.
    let gatewaySpan: Duration
    private var unreachableInARow = 0
    private var rejectedInARow = 0
    private var gatewayErrorsInARow = 0
    private var firstGatewayError: ContinuousClock.Instant?

    init(threshold: Int = 3, gatewaySpan: Duration = .seconds(5)) {
        self.threshold = max(1, threshold)
        self.gatewaySpan = gatewaySpan
    }

    mutating func attemptFailed(_ failure: TransportFailure) -> Verdict {
        guard failure.meansUnreachable else { return .keepGoing }
        unreachableInARow += 1
        return unreachableInARow >= threshold ? .unreachable(failure) : .keepGoing
    }

    /// The API itself answered (anything but a gateway's error).
    mutating func answered(status: Int) {
        unreachableInARow = 0
        gatewayErrorsInARow = 0
        firstGatewayError = nil
        if status != 401 { rejectedInARow = 0 }
    }

    /// Something in front of the API answered a 502/503/504 of its own at `now`.
    mutating func gatewayFailed(status: Int, at now: ContinuousClock.Instant) -> Verdict {
        unreachableInARow = 0
        gatewayErrorsInARow += 1
        let first = firstGatewayError ?? now
        firstGatewayError = first
        guard gatewayErrorsInARow >= 2 * threshold, now - first >= gatewaySpan else { return .keepGoing }
        return .gatewayDown(status: status)
    }

    /// A call gave up on a 401 that a fresh token did not cure.
    mutating func tokenRejectedAfterRefresh() -> Verdict {
        rejectedInARow += 1
        return rejectedInARow >= threshold ? .everyTokenRejected : .keepGoing
    }
}
