import Synchronization

/// The run's one `EndpointHealth`, shared by every worker.
final class EndpointWatch: Sendable {
    private let health: Mutex<EndpointHealth>

    init(_ health: EndpointHealth = EndpointHealth()) { self.health = Mutex(health) }

    func attemptFailed(_ failure: TransportFailure) -> EndpointHealth.Verdict {
        health.withLock { $0.attemptFailed(failure) }
    }

    func answered(status: Int) { health.withLock { $0.answered(status: status) } }

    func gatewayFailed(status: Int, at now: ContinuousClock.Instant) -> EndpointHealth.Verdict {
        health.withLock { $0.gatewayFailed(status: status, at: now) }
    }

    var gatewaySpan: Duration { health.withLock { $0.gatewaySpan } }

    func tokenRejectedAfterRefresh() -> EndpointHealth.Verdict { health.withLock { $0.tokenRejectedAfterRefresh() } }
}
