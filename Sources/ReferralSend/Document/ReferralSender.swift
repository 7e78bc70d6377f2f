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
/// the calls (through `APICaller`, which owns the token, the pace, the
/// endpoint's health and the retries), records the intent and stops the run
/// when the machine says so.
package struct ReferralSender: Sendable {
    package struct Options: Sendable {
        package var endpoint: String
        package var preflight = true
        package var conflictRetries = 1
        package var retry = RetryPolicy()
        package var returnRepresentation = false
        /// Read and decide as a real run would, and stop before any write
        /// (`DryRun`): the outcome says what the PATCH would have been.
        package var dryRun = false
        /// The request id (`client-request-id`, `MS-RequestId`) of a document's n-th call. A fresh UUID in a
        /// real run (the API remembers IDs: reusing one across runs would
        /// replay stale answers); tests make them deterministic so the
        /// sandbox's seeded faults land on the same calls every time.
        package var requestID: @Sendable (PatchDocument, Int) -> String = { _, _ in UUID().uuidString.lowercased() }
        /// The run's `MS-CorrelationId`, on every call: a support engineer
        /// finds the whole run by it (the summary prints it).
        package var correlationID = UUID().uuidString.lowercased()

        package init(endpoint: String) { self.endpoint = endpoint }
    }

    let options: Options
    let caller: APICaller
    let governor: SendGovernor
    let stop: StopSignal
    let logger: Logger
    /// Called with what a PATCH will overwrite before it is sent (the
    /// journal's write-ahead record); a failure stops the run unsent.
    let recordIntent: (@Sendable (PatchDocument, [Outcome.BeforeValue], [PatchOperation]) throws(OutputFailure) -> Void)?

    package init(
        options: Options, transport: any ReferralTransport, tokens: any TokenProvider, governor: SendGovernor,
        stop: StopSignal, logger: Logger,
        sleep: @escaping @Sendable (ContinuousClock.Instant) async throws -> Void = APICaller.sleepOnTime,
        recordIntent: (@Sendable (PatchDocument, [Outcome.BeforeValue], [PatchOperation]) throws(OutputFailure) -> Void)? = nil
    ) {
        self.recordIntent = recordIntent
        self.options = options
        caller = APICaller(
            endpoint: options.endpoint, retry: options.retry, correlationID: options.correlationID, transport: transport, tokens: tokens,
            governor: governor, stop: stop, logger: logger, sleep: sleep)
        self.governor = governor
        self.stop = stop
        self.logger = logger
    }

    /// One document's calls: what they cost, and how many were made (each has its own request id).
    struct Tally {
        var calls = CallTally()
        var count = 0
        let started = ContinuousClock.now
    }

    package func send(_ document: PatchDocument) async -> Outcome? {
        var tally = Tally()
        var logger = self.logger
        // The ID, not the URL: the key every line about this document is found by.
        logger[metadataKey: "referral.id"] = "\(document.referralID)"
        let outcome = await decide(document, &tally, logger: logger)
        if let outcome { await governor.documentFinished(serverFailure: Self.isServerFailure(outcome)) }
        guard var outcome else { return nil }
        outcome.attempts = tally.calls.attempts
        outcome.readAttempts = tally.calls.readAttempts
        outcome.retries = tally.calls.retries
        outcome.throttled = tally.calls.throttled
        outcome.latency = ContinuousClock.now - tally.started
        if outcome.serverRequestID == nil { outcome.serverRequestID = tally.calls.lastServerRequestID }
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
                action = machine.next(.read(await caller.call(request, &tally.calls, logger: logger)))
            case .recordIntent(let before, let operations):
                do throws(OutputFailure) {
                    try recordIntent?(document, before, operations)
                    action = machine.next(.intentRecorded)
                } catch {
                    action = machine.next(.intentFailed(error))
                }
            case .patch(let operations, let ifMatch):
                let requestID = newRequestID(document, &tally)
                let request = ReferralRequest.patch(
                    endpoint: options.endpoint, referralID: document.referralID, operations: operations, ifMatch: ifMatch,
                    requestID: requestID, returnRepresentation: options.returnRepresentation)
                let result = await caller.call(
                    request, &tally.calls, logger: logger, resendsUnanswered: LostAnswerRule.mayResendBlind(operations))
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

    private func newRequestID(_ document: PatchDocument, _ tally: inout Tally) -> String {
        tally.count += 1
        return options.requestID(document, tally.count)
    }
}
