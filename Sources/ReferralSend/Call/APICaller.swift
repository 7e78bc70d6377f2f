import Foundation
import Logging

/// The result of one call after its retries.
package enum CallResult: Sendable {
    case answered(APIResponse, hadUnansweredAttempt: Bool)
    case gaveUp(String, lastStatus: Int?)
    /// An attempt that may have reached the server got no answer, and the
    /// call may not be sent again blind (`LostAnswerRule`): why.
    case answerLost(String)
    /// No usable token: the run must stop.
    case credentials(CredentialsProblem)
    case cancelled
}

/// What one caller's calls cost: the attempts of writes and reads, the
/// retries and 429s, and the last `Request-ID` the server gave.
package struct CallTally: Sendable {
    /// Attempts of the write (PATCH) calls, and separately of the reads (GET).
    package var attempts = 0
    package var readAttempts = 0
    package var retries = 0
    package var throttled = 0
    /// The `Request-ID` of the last answer met (for an outcome whose deciding answer is not a write's).
    package var lastServerRequestID: String?

    package init() {}
}

/// One API call with everything a call needs: the token (refreshed after
/// a 401), the tenant's one pace (`SendGovernor`), the endpoint's health
/// (`EndpointWatch`: unreachable, or a dead backend behind a gateway, stops
/// the run) and `CallRetryMachine`'s retries and `Retry-After` waits. The
/// document sender is a loop of `DocumentMachine` over it; `export` calls it
/// for every page.
package struct APICaller: Sendable {
    let endpoint: String
    let retry: RetryPolicy
    /// The run's `MS-CorrelationId`, on every call.
    let correlationID: String
    let transport: any ReferralTransport
    let tokens: any TokenProvider
    let governor: SendGovernor
    let stop: StopSignal
    let logger: Logger
    /// Whether the endpoint can be reached at all and takes our tokens, across workers.
    let watch = EndpointWatch()
    let sleep: @Sendable (ContinuousClock.Instant) async throws -> Void

    /// Sleeps until the instant and not later: without a tolerance, the
    /// runtime lets a sleep run up to a tenth of its length long (at least a
    /// millisecond), which turns a pace's slot into a slower pace.
    package static let sleepOnTime: @Sendable (ContinuousClock.Instant) async throws -> Void = {
        try await Task.sleep(until: $0, tolerance: .zero)
    }

    package init(
        endpoint: String, retry: RetryPolicy, correlationID: String, transport: any ReferralTransport, tokens: any TokenProvider,
        governor: SendGovernor, stop: StopSignal, logger: Logger,
        sleep: @escaping @Sendable (ContinuousClock.Instant) async throws -> Void = APICaller.sleepOnTime
    ) {
        self.endpoint = endpoint
        self.retry = retry
        self.correlationID = correlationID
        self.transport = transport
        self.tokens = tokens
        self.governor = governor
        self.stop = stop
        self.logger = logger
        self.sleep = sleep
    }

    /// One call with its retries: the same request (and request id) every attempt, under the run's correlation id.
    /// `logger` carries the caller's metadata (a document's `referral.id`).
    /// With `resendsUnanswered` false (a write that is not idempotent), an
    /// attempt that may have arrived but got no answer ends the call.
    package func call(
        _ request: ReferralRequest, _ tally: inout CallTally, logger: Logger? = nil, resendsUnanswered: Bool = true
    ) async -> CallResult {
        let logger = logger ?? self.logger
        var request = request
        request.headers.append(("MS-CorrelationId", correlationID))
        var machine = CallRetryMachine(policy: retry)
        var random = SystemRandomNumberGenerator()
        var token: Secret
        do {
            token = try await tokens.token()
        } catch {
            return .credentials(CredentialsProblem(error))
        }
        var lastStatus: Int?
        while true {
            var reservation = await governor.reserve()
            do {
                sending: while true {
                    try await wait(until: reservation.at)
                    switch try await governor.confirm(reservation) {
                    case .send(let sent):
                        // Stopped or cancelled while it waited for room in flight: it does not go.
                        if stop.isStopped || Task.isCancelled {
                            await governor.unanswered(sent)
                            return .cancelled
                        }
                        reservation = sent
                        break sending
                    case .wait(let renewed):
                        reservation = renewed
                    }
                }
            } catch {
                return .cancelled
            }
            if request.method == .patch { tally.attempts += 1 } else { tally.readAttempts += 1 }
            let event: CallRetryMachine.Event
            var answer: APIResponse?
            do {
                let response = try await transport.send(request, token: token)
                answer = response
                lastStatus = response.status
                if let id = response.serverRequestID { tally.lastServerRequestID = id }
                if (502...504).contains(response.status), ServerError(response).fromGateway {
                    if case .gatewayDown(let status) = watch.gatewayFailed(status: response.status, at: .now) {
                        stop.stop(.unreachable(.gatewayDown(origin: Self.origin(of: endpoint), status: status, span: watch.gatewaySpan)))
                    }
                } else {
                    watch.answered(status: response.status)
                }
                let retryAfter = RetryPolicy.retryAfter(response.header("Retry-After"), now: Date())
                event = .response(status: response.status, retryAfter: retryAfter)
                if response.status == 429 { tally.throttled += 1 }
                await governor.answered(
                    status: response.status, retryAfter: retryAfter, quota: RateQuota.parse(response.headers), to: reservation)
            } catch {
                await governor.unanswered(reservation)
                if Task.isCancelled { return .cancelled }
                let failure = TransportFailure(error)
                if case .unreachable(let reason) = watch.attemptFailed(failure) {
                    stop.stop(.unreachable(.noConnection(origin: Self.origin(of: endpoint), reason)))
                }
                if !resendsUnanswered, LostAnswerRule.mayHaveArrived(failure) { return .answerLost("no answer (\(failure))") }
                event = .transportFailure("no answer (\(failure))")
            }
            let action = machine.next(event, random: &random)
            logger.trace(
                "attempt",
                metadata: [
                    "method": "\(request.method.rawValue)", "request.id": "\(request.requestID ?? "")", "attempt": "\(machine.attempts)",
                    "status": "\(answer.map { String($0.status) } ?? "none")",
                    "server.request.id": "\(answer?.serverRequestID ?? "")",
                ])
            switch action {
            case .finish:
                return .answered(answer!, hadUnansweredAttempt: machine.unansweredAttempts > 0)
            case .retry(let delay):
                tally.retries += 1
                do {
                    try await wait(until: .now + delay)
                } catch {
                    return .cancelled
                }
            case .refreshTokenThenRetry:
                // A token without MFA: a refreshed one from the same sign-in would be refused the same way.
                if let answer, MFARequirement.isMissing(in: answer) { return .credentials(.token(.mfaRequired)) }
                tally.retries += 1
                do {
                    token = try await tokens.tokenRejected(token)
                } catch {
                    return .credentials(CredentialsProblem(error))
                }
            case .giveUp(let reason):
                if let answer, answer.status == 401 {
                    if watch.tokenRejectedAfterRefresh() == .everyTokenRejected {
                        stop.stop(.credentialsRejected(.everyTokenRejected))
                    }
                    return .answered(answer, hadUnansweredAttempt: false)
                }
                // The server's own words first (a gateway's page, a throttling message), then why we stopped.
                guard let answer else { return .gaveUp(reason, lastStatus: lastStatus) }
                return .gaveUp("\(ServerError(answer).description) (\(reason))", lastStatus: lastStatus)
            }
        }
    }

    /// Sleeps until `deadline`, unless the run is stopping: a first SIGINT
    /// wakes every backoff and throttling wait at once (throws then).
    private func wait(until deadline: ContinuousClock.Instant) async throws {
        if stop.isStopped { throw CancellationError() }
        guard deadline > .now else { return }
        let sleep = self.sleep
        try await stop.interrupting { try await sleep(deadline) }
    }

    /// `https://host[:port]` of the endpoint, for messages (no path, no user info).
    static func origin(of endpoint: String) -> String {
        guard let url = URL(string: endpoint), let scheme = url.scheme, let host = url.host else { return "the endpoint" }
        return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")"
    }
}
