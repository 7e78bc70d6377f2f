import Foundation
import Logging
import ReferralModel
import ReferralOutcome
import ReferralPlan

/// Sends one patch document and says what happened: exactly one `Outcome`,
/// or nil when the run is stopping and the document is left for a resume.
///
/// With preflight it reads the referral first (eTag into `If-Match`,
/// transition check, fields already as asked dropped), then PATCHes with
/// retries under one request id (`client-request-id`); on 412 it re-reads and re-plans up to
/// `conflictRetries` times. A 412 after an attempt that got no answer is
/// checked against a fresh read: if the referral already holds every
/// change, our own earlier attempt applied it, and it is `updated`.
///
/// It reports only what happened: an answer it cannot believe (a proxy's
/// page, an empty or cut body, a redirect) is `failed` with a reason
/// (`AnswerCheck`), a 400 is explained by one read of the referral, not by
/// an error code, and an endpoint that cannot be reached or takes no token
/// stops the run (`EndpointHealth`). Every wait ends when the run stops.
///
/// What to do next is `DocumentMachine`'s decision; this type only makes
/// the calls (with `CallRetryMachine`'s retries), records the intent and
/// stops the run when the machine says so.
public struct ReferralSender: Sendable {
    public struct Options: Sendable {
        public var endpoint: String
        public var preflight = true
        public var conflictRetries = 1
        public var retry = RetryPolicy()
        public var returnRepresentation = false
        /// Read and decide as a real run would, and stop before any write
        /// (`DryRun`): the outcome says what the PATCH would have been.
        public var dryRun = false
        /// The request id (`client-request-id`, `MS-RequestId`) of a document's n-th call. A fresh UUID in a
        /// real run (the API remembers IDs: reusing one across runs would
        /// replay stale answers); tests make them deterministic so the
        /// sandbox's seeded faults land on the same calls every time.
        public var requestID: @Sendable (PatchDocument, Int) -> String = { _, _ in UUID().uuidString.lowercased() }
        /// The run's `MS-CorrelationId`, on every call: a support engineer
        /// finds the whole run by it (the summary prints it).
        public var correlationID = UUID().uuidString.lowercased()

        public init(endpoint: String) { self.endpoint = endpoint }
    }

    let options: Options
    let transport: any ReferralTransport
    let tokens: any TokenProvider
    let governor: SendGovernor
    let stop: StopSignal
    let logger: Logger
    /// Whether the endpoint can be reached at all and takes our tokens, across workers.
    let watch = EndpointWatch()
    let sleep: @Sendable (ContinuousClock.Instant) async throws -> Void
    /// Called with what a PATCH will overwrite before it is sent (the
    /// journal's write-ahead record); a failure stops the run unsent.
    let recordIntent: (@Sendable (PatchDocument, [Outcome.BeforeValue], [PatchOperation]) throws(OutputFailure) -> Void)?

    public init(
        options: Options, transport: any ReferralTransport, tokens: any TokenProvider, governor: SendGovernor,
        stop: StopSignal, logger: Logger,
        sleep: @escaping @Sendable (ContinuousClock.Instant) async throws -> Void = { try await Task.sleep(until: $0) },
        recordIntent: (@Sendable (PatchDocument, [Outcome.BeforeValue], [PatchOperation]) throws(OutputFailure) -> Void)? = nil
    ) {
        self.recordIntent = recordIntent
        self.options = options
        self.transport = transport
        self.tokens = tokens
        self.governor = governor
        self.stop = stop
        self.logger = logger
        self.sleep = sleep
    }

    /// Counters for one document, across its calls.
    package struct Tally {
        /// Attempts of the write (PATCH) calls, and separately of the reads (GET).
        package var attempts = 0
        var readAttempts = 0
        var retries = 0
        var throttled = 0
        var calls = 0
        /// The `Request-ID` of the last answer met (for an outcome whose deciding answer is not a write's).
        var lastServerRequestID: String?
        let started = ContinuousClock.now

        package init() {}
    }

    /// The result of one call after its retries.
    public enum CallResult: Sendable {
        case answered(APIResponse, hadUnansweredAttempt: Bool)
        case gaveUp(String, lastStatus: Int?)
        /// An attempt that may have reached the server got no answer, and the
        /// call may not be sent again blind (`LostAnswerRule`): why.
        case answerLost(String)
        /// No usable token: the run must stop.
        case credentials(String)
        case cancelled
    }

    public func send(_ document: PatchDocument) async -> Outcome? {
        var tally = Tally()
        var logger = self.logger
        // The ID, not the URL: the key every line about this document is found by.
        logger[metadataKey: "referral.id"] = "\(document.referralID)"
        let outcome = await decide(document, &tally, logger: logger)
        if let outcome { await governor.documentFinished(serverFailure: Self.isServerFailure(outcome)) }
        guard var outcome else { return nil }
        outcome.attempts = tally.attempts
        outcome.readAttempts = tally.readAttempts
        outcome.retries = tally.retries
        outcome.throttled = tally.throttled
        outcome.latency = ContinuousClock.now - tally.started
        if outcome.serverRequestID == nil { outcome.serverRequestID = tally.lastServerRequestID }
        logger.debug(
            "outcome",
            metadata: [
                "outcome": "\(outcome.kind.rawValue)", "status": "\(outcome.httpStatus.map(String.init) ?? "none")",
                "request.id": "\(outcome.requestID ?? "")", "server.request.id": "\(outcome.serverRequestID ?? "")",
                "message": "\(outcome.message)",
            ])
        return outcome
    }

    /// Whether a document failed because of the API rather than the row:
    /// no answer, 5xx, 429, or an answer that could not be believed (a
    /// redirect, a proxy's page). The circuit breaker counts these.
    static func isServerFailure(_ outcome: Outcome) -> Bool {
        guard outcome.kind == .failed else { return false }
        guard let status = outcome.httpStatus else { return true }
        return !(400..<500).contains(status) || status == 429 || status == 408
    }

    /// Carries out the actions of the document's `DocumentMachine`: the
    /// calls, the journal's intent record and the stop; the machine decides.
    private func decide(_ document: PatchDocument, _ tally: inout Tally, logger: Logger) async -> Outcome? {
        var machine = DocumentMachine(
            document: document,
            settings: .init(
                preflight: options.preflight, dryRun: options.dryRun, conflictRetries: options.conflictRetries,
                recordsIntent: recordIntent != nil, lostAnswerRounds: options.retry.maxAttempts))
        var action = machine.start()
        while true {
            switch action {
            case .read(let purpose):
                if case .afterConflict(let reread) = purpose { logger.debug("412: re-reading", metadata: ["reread": "\(reread)"]) }
                let request = ReferralRequest.get(
                    endpoint: options.endpoint, referralID: document.referralID, requestID: newRequestID(document, &tally))
                action = machine.next(.read(await call(request, &tally, logger: logger)))
            case .recordIntent(let before, let operations):
                do throws(OutputFailure) {
                    try recordIntent?(document, before, operations)
                    action = machine.next(.intentRecorded)
                } catch {
                    action = machine.next(.intentFailed(error.description))
                }
            case .patch(let operations, let ifMatch):
                let requestID = newRequestID(document, &tally)
                let request = ReferralRequest.patch(
                    endpoint: options.endpoint, referralID: document.referralID, operations: operations, ifMatch: ifMatch,
                    requestID: requestID, returnRepresentation: options.returnRepresentation)
                let result = await call(
                    request, &tally, logger: logger, resendsUnanswered: LostAnswerRule.mayResendBlind(operations))
                action = machine.next(.patched(result, requestID: requestID))
            case .finish(let outcome):
                return outcome
            case .leaveForResume:
                return nil
            case .stopRun(let reason):
                stop.stop(reason)
                return nil
            }
        }
    }

    /// One call with its retries: the same request (and request id) every attempt, under the run's correlation id.
    /// Shared with `ExportRun`, whose page reads meet the same retries, governor and token refresh.
    /// `logger` carries the caller's metadata (a document's `referral.id`).
    /// With `resendsUnanswered` false (a write that is not idempotent), an
    /// attempt that may have arrived but got no answer ends the call.
    package func call(
        _ request: ReferralRequest, _ tally: inout Tally, logger: Logger? = nil, resendsUnanswered: Bool = true
    ) async -> CallResult {
        let logger = logger ?? self.logger
        var request = request
        request.headers.append(("MS-CorrelationId", options.correlationID))
        var machine = CallRetryMachine(policy: options.retry)
        var random = SystemRandomNumberGenerator()
        var token: Secret
        do {
            token = try await tokens.token()
        } catch {
            return .credentials(Self.tokenProblem(error))
        }
        var lastStatus: Int?
        while true {
            var reservation = await governor.reserve()
            do {
                try await wait(until: reservation.at)
                while let renewed = await governor.confirm(reservation) {
                    reservation = renewed
                    try await wait(until: reservation.at)
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
                        stop.stop(.unreachable(Self.gatewayDown(status, endpoint: options.endpoint, span: watch.gatewaySpan)))
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
                if Task.isCancelled { return .cancelled }
                let failure = TransportFailure(error)
                if case .unreachable(let reason) = watch.attemptFailed(failure) {
                    stop.stop(.unreachable("cannot reach \(Self.origin(of: options.endpoint)): \(reason)"))
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
                if let answer, MFARequirement.isMissing(in: answer) { return .credentials(TokenError.mfaRequired.description) }
                tally.retries += 1
                do {
                    token = try await tokens.tokenRejected(token)
                } catch {
                    return .credentials(Self.tokenProblem(error))
                }
            case .giveUp(let reason):
                if let answer, answer.status == 401 {
                    if watch.tokenRejectedAfterRefresh() == .everyTokenRejected {
                        stop.stop(.credentialsRejected("every token was rejected (401), a freshly fetched one too"))
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

    /// A token provider's failure in our words (a `TokenError` is one already).
    static func tokenProblem(_ error: any Error) -> String {
        (error as? TokenError)?.description ?? "the token provider failed"
    }

    /// The one sentence a run stopped by a dead backend behind a live gateway ends with.
    static func gatewayDown(_ status: Int, endpoint: String, span: Duration) -> String {
        "a gateway in front of \(origin(of: endpoint)) answered every call with \(status) for \(DurationText.seconds(span)) "
            + "and the API behind it never answered: it is down or cannot be reached from the gateway"
    }

    /// `https://host[:port]` of the endpoint, for messages (no path, no user info).
    static func origin(of endpoint: String) -> String {
        guard let url = URL(string: endpoint), let scheme = url.scheme, let host = url.host else { return "the endpoint" }
        return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")"
    }

    private func newRequestID(_ document: PatchDocument, _ tally: inout Tally) -> String {
        tally.calls += 1
        return options.requestID(document, tally.calls)
    }
}
