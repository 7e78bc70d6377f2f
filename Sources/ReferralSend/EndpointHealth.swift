/// Tells a run that cannot succeed from one having a bad moment, fast: a
/// pure state machine fed with the end of every attempt and call.
///
/// - `threshold` attempts in a row that could not reach the endpoint at all
///   (connection refused or timed out, DNS, TLS), with no answer between them, mean a
///   wrong URL or a dead host: the run aborts in seconds instead of burning
///   every row's retries.
/// - `threshold` calls in a row that ended with a 401 even after a token
///   refresh mean every token is rejected.
///
/// Any answer that is not a 401 resets both counts.
public struct EndpointHealth: Sendable {
    public enum Verdict: Sendable, Equatable {
        case keepGoing
        case unreachable(TransportFailure)
        case everyTokenRejected
    }

    public let threshold: Int
    private var unreachableInARow = 0
    private var rejectedInARow = 0

    public init(threshold: Int = 3) { self.threshold = max(1, threshold) }

    public mutating func attemptFailed(_ failure: TransportFailure) -> Verdict {
        guard failure.meansUnreachable else { return .keepGoing }
        unreachableInARow += 1
        return unreachableInARow >= threshold ? .unreachable(failure) : .keepGoing
    }

    public mutating func answered(status: Int) {
        unreachableInARow = 0
        if status != 401 { rejectedInARow = 0 }
    }

    /// A call gave up on a 401 that a fresh token did not cure.
    public mutating func tokenRejectedAfterRefresh() -> Verdict {
        rejectedInARow += 1
        return rejectedInARow >= threshold ? .everyTokenRejected : .keepGoing
    }
}
