import ReferralModel
import ReferralOutcome
import ReferralPlan

/// The decisions of one patch document, as a pure state machine: fed what
/// each read, journal write and PATCH ended with, it says what to do next,
/// and at the end gives exactly one `Outcome`, or leaves the document for a
/// resume. It sends, sleeps and writes nothing; `ReferralSender` carries
/// out its actions and feeds the results back.
///
/// The story it tells: read the referral (preflight, or a dry run's only
/// call), drop what is already as asked, check the status change, record
/// what the PATCH overwrites, PATCH with the eTag read in `If-Match`. A 412
/// after an attempt that got no answer is checked against a fresh read (our
/// own lost attempt may have applied it); any other 412 re-reads and
/// re-plans up to `conflictRetries` times, unless the input gave the eTag.
/// A 400 is explained by one read: the referral's state, not an error code,
/// says whether it was an invalid transition. A write that is not
/// idempotent (`LostAnswerRule`) and lost its answer is never resent blind:
/// the referral is read, and only what it does not hold yet is sent, in a
/// new call, with or without preflight.
struct DocumentMachine {
    struct Settings: Sendable {
        var preflight: Bool
        /// Read and decide, never write (`DryRun`).
        var dryRun: Bool
        /// Re-reads and new PATCHes after a 412.
        var conflictRetries: Int
        /// Whether what a PATCH overwrites is recorded (the journal) before it is sent.
        var recordsIntent: Bool
        /// Reads and resends after lost answers, at most (the run's `--max-attempts`):
        /// a server that keeps losing answers gets the document `failed`, not an endless loop.
        var lostAnswerRounds: Int

        init(preflight: Bool, dryRun: Bool, conflictRetries: Int, recordsIntent: Bool, lostAnswerRounds: Int = 6) {
            self.preflight = preflight
            self.dryRun = dryRun
            self.conflictRetries = conflictRetries
            self.recordsIntent = recordsIntent
            self.lostAnswerRounds = max(1, lostAnswerRounds)
        }
    }

    /// Why the referral is read.
    enum Read: Sendable, Equatable {
        /// Before the write (or a dry run's only call).
        case preflight
        /// After a 412: the `reread`-th fresh read to plan the PATCH again.
        case afterConflict(reread: Int)
        /// After a 412 that followed an attempt with no answer: does the
        /// referral already hold every change?
        case lostAnswer
        /// After a 400: does the referral's state make it an invalid transition?
        case explainRejection
        /// After a write that is not idempotent lost its answer: what does
        /// the referral hold already? Only the rest may be sent.
        case beforeResend
    }

    enum Event {
        /// A read of the referral ended (after its retries).
        case read(CallResult)
        case intentRecorded
        /// The journal could not be written: why.
        case intentFailed(OutputFailure)
        /// The PATCH sent under `requestID` ended (after its retries).
        case patched(CallResult, requestID: String)
    }

    enum Action {
        /// Read the referral (a new call, with a new request ID).
        case read(Read)
        /// Record what the PATCH will overwrite before sending it.
        case recordIntent(before: [Outcome.BeforeValue], operations: [PatchOperation])
        /// Send these operations (a new call, with a new request ID).
        case patch(operations: [PatchOperation], ifMatch: String?)
        /// The document is done.
        case finish(Outcome)
        /// The run is stopping: nothing more, the same command takes the document up.
        case leaveForResume
        /// Stop the run for this reason; the document is left for a resume.
        case stopRun(StopSignal.Reason)
    }

    /// A PATCH being prepared or sent.
    struct Write {
        var operations: [PatchOperation]
        var before: [Outcome.BeforeValue]
        var ifMatch: String?
    }

    enum State {
        case idle
        case reading(Reading)
        case recordingIntent(Write)
        case writing(Write)
        case finished
    }

    /// A read in flight, with what its result is held against.
    enum Reading {
        case preflight
        case lostAnswer(Write, answer: APIResponse, requestID: String)
        case explainRejection(Outcome, operations: [PatchOperation])
        case beforeResend(Write, requestID: String, reason: String)
    }


    let document: PatchDocument
    let settings: Settings
    private var state = State.idle
    /// Re-reads after a 412 so far.
    private(set) var rereads = 0
    /// Reads made because a write that is not idempotent lost its answer.
    private(set) var lostAnswers = 0
    /// What the lost answers led to, said in the outcome.
    private var lostAnswerNote: String?

    init(document: PatchDocument, settings: Settings) {
        self.document = document
        self.settings = settings
    }

    /// The first action: a read, unless preflight is off (the input's operations and `If-Match` as they are).
    mutating func start() -> Action {
        guard case .idle = state else { preconditionFailure("start() twice") }
        // A dry run always reads: the read is all it does.
        guard settings.preflight || settings.dryRun else {
            return write(Write(operations: document.operations, before: [], ifMatch: document.ifMatch))
        }
        state = .reading(.preflight)
        return .read(.preflight)
    }

    mutating func next(_ event: Event) -> Action {
        switch (state, event) {
        case (.reading(let reading), .read(let result)):
            return readEnded(reading, result)
        case (.recordingIntent(let write), .intentRecorded):
            state = .writing(write)
            return .patch(operations: write.operations, ifMatch: write.ifMatch)
        case (.recordingIntent, .intentFailed(let failure)):
            state = .finished
            return .stopRun(.outputFailed(failure))
        case (.writing(let write), .patched(let result, let requestID)):
            return patchEnded(write, result, requestID: requestID)
        default:
            preconditionFailure("\(event) is not expected in \(state)")
        }
    }

    private mutating func readEnded(_ reading: Reading, _ result: CallResult) -> Action {
        switch reading {
        case .preflight:
            switch referral(result) {
            case .referral(let referral, let eTag):
                return plan(against: referral, eTag: eTag)
            case .ended(let action):
                state = .finished
                return action
            }
        case .lostAnswer(let write, let answer, let requestID):
            if case .referral(let referral, _) = referral(result),
                Preflight.decide(document.operations, against: referral) == .unchanged
            {
                return finish(
                    Outcome(
                        document: document, kind: .updated, httpStatus: 412,
                        message: "applied by an earlier attempt whose answer was lost", requestID: requestID,
                        before: write.before, sentOperations: write.operations))
            }
            return conflict(write, answer, requestID: requestID)
        case .beforeResend(let write, let requestID, let reason):
            return resend(write, after: result, requestID: requestID, reason: reason)
        case .explainRejection(var outcome, let operations):
            // Anything but the referral (no answer, an error) leaves the 400 as the server said it.
            if case .referral(let referral, _) = referral(result),
                let violation = Preflight.transitionViolation(operations, referral: referral)
            {
                outcome.kind = .invalidTransition
                // Our reading of the referral, and what the server itself said.
                outcome.message = "\(violation.code): \(violation.description) (the API answered \(outcome.message))"
            }
            return finish(outcome)
        }
    }

    /// What the referral as read asks of the write.
    private mutating func plan(against referral: JSONValue, eTag: String?) -> Action {
        if settings.dryRun { return finish(DryRun.outcome(document, referral: referral, eTag: eTag)) }
        switch Preflight.decide(document.operations, against: referral) {
        case .unchanged:
            return finish(Outcome(document: document, kind: .unchanged, httpStatus: 200, message: "already as asked: nothing sent"))
        case .invalidTransition(let violation):
            return finish(
                Outcome(document: document, kind: .invalidTransition, httpStatus: 200, message: "\(violation.code): \(violation.description)"))
        case .send(let kept, let before):
            return write(Write(operations: kept, before: before, ifMatch: document.ifMatch ?? eTag))
        }
    }

    /// Records the intent first when there is something to restore and a journal to hold it.
    private mutating func write(_ write: Write) -> Action {
        if settings.recordsIntent, !write.before.isEmpty {
            state = .recordingIntent(write)
            return .recordIntent(before: write.before, operations: write.operations)
        }
        state = .writing(write)
        return .patch(operations: write.operations, ifMatch: write.ifMatch)
    }

    private mutating func patchEnded(_ write: Write, _ result: CallResult, requestID: String) -> Action {
        if case .answerLost(let reason) = result {
            lostAnswers += 1
            state = .reading(.beforeResend(write, requestID: requestID, reason: reason))
            return .read(.beforeResend)
        }
        guard case .answered(let answer, let hadUnansweredAttempt) = result else {
            state = .finished
            return unanswered(result, requestID: requestID)
        }
        if answer.status == 412, settings.preflight {
            if hadUnansweredAttempt {
                state = .reading(.lostAnswer(write, answer: answer, requestID: requestID))
                return .read(.lostAnswer)
            }
            return conflict(write, answer, requestID: requestID)
        }
        return answered(write, answer, requestID: requestID)
    }

    /// After a lost answer to a write that is not idempotent: done if the
    /// referral holds every change; else send only what is missing (a new
    /// call, the same `If-Match`), within `settings.lostAnswerRounds`. A read that
    /// fails ends the document `failed`, saying it may have been applied.
    private mutating func resend(_ write: Write, after result: CallResult, requestID: String, reason: String) -> Action {
        let lost = "the answer to the PATCH was lost (\(reason))"
        let referral: JSONValue
        switch self.referral(result) {
        case .referral(let read, _):
            referral = read
        case .ended(.finish(var outcome)):
            outcome.kind = .failed
            outcome.message = "\(lost), and the referral could not be read to check it: not sent again, it may have been applied (\(outcome.message))"
            outcome.requestID = requestID
            outcome.sentOperations = write.operations
            outcome.before = write.before
            return finish(outcome)
        case .ended(let action):
            state = .finished
            return action
        }
        let missing = LostAnswerRule.missing(write.operations, from: referral)
        guard !missing.isEmpty else {
            return finish(
                Outcome(
                    document: document, kind: .updated, httpStatus: 200,
                    message: "\(lost); a read showed the change applied: not sent again", requestID: requestID,
                    before: write.before, sentOperations: write.operations))
        }
        guard lostAnswers < settings.lostAnswerRounds else {
            return finish(
                Outcome(
                    document: document, kind: .failed, message: "\(lost) \(lostAnswers) times; the referral does not hold the change",
                    requestID: requestID, before: write.before, sentOperations: write.operations))
        }
        lostAnswerNote = "\(lost); a read showed \(missing.count) of \(write.operations.count) operation(s) missing: only those were sent again"
        let paths = Set(missing.map(\.path))
        let resend = Write(operations: missing, before: write.before.filter { paths.contains($0.path) }, ifMatch: write.ifMatch)
        state = .writing(resend)
        return .patch(operations: resend.operations, ifMatch: resend.ifMatch)
    }

    /// A 412 not explained by our own lost attempt: read and plan again
    /// while re-reads are left and the eTag is ours (one from the input
    /// asserts a version: reading again would overrule it).
    private mutating func conflict(_ write: Write, _ answer: APIResponse, requestID: String) -> Action {
        guard document.ifMatch == nil, rereads < settings.conflictRetries else { return answered(write, answer, requestID: requestID) }
        rereads += 1
        state = .reading(.preflight)
        return .read(.afterConflict(reread: rereads))
    }

    /// The outcome the PATCH's answer stands for; a 400 is first explained by a read.
    private mutating func answered(_ write: Write, _ answer: APIResponse, requestID: String) -> Action {
        var outcome = Self.outcome(of: answer, document, requestID: requestID)
        outcome.before = write.before
        outcome.sentOperations = write.operations
        guard answer.status == 400 else { return finish(outcome) }
        state = .reading(.explainRejection(outcome, operations: write.operations))
        return .read(.explainRejection)
    }

    private mutating func finish(_ outcome: Outcome) -> Action {
        state = .finished
        var outcome = outcome
        if let lostAnswerNote { outcome.message = outcome.message.isEmpty ? lostAnswerNote : "\(outcome.message) (\(lostAnswerNote))" }
        return .finish(outcome)
    }

    /// What a read gave: the referral, or the document's end.
    private enum ReadResult {
        case referral(JSONValue, eTag: String?)
        case ended(Action)
    }

    private func referral(_ result: CallResult) -> ReadResult {
        guard case .answered(let response, _) = result else { return .ended(unanswered(result, requestID: nil)) }
        switch AnswerCheck.read(response, referralID: document.referralID) {
        case .referral(let referral):
            return .referral(referral, eTag: response.eTag)
        case .unreadable(let reason):
            return .ended(.finish(Outcome(document: document, kind: .failed, httpStatus: response.status, message: reason)))
        case .apiError:
            return .ended(.finish(Self.outcome(of: response, document, requestID: nil)))
        }
    }

    /// A call that ended without an answer.
    private func unanswered(_ result: CallResult, requestID: String?) -> Action {
        switch result {
        case .answered, .answerLost:
            preconditionFailure("an answer, or a lost one, is judged by what it says")
        case .gaveUp(let reason, let status):
            return .finish(Outcome(document: document, kind: .failed, httpStatus: status, message: reason, requestID: requestID))
        case .credentials(let problem):
            return .stopRun(.credentialsRejected(problem))
        case .cancelled:
            return .leaveForResume
        }
    }

    /// The outcome an answer to a write (or a read's API error) stands for.
    static func outcome(of response: APIResponse, _ document: PatchDocument, requestID: String?) -> Outcome {
        if let problem = AnswerCheck.writeProblem(response) ?? AnswerCheck.notFoundProblem(response) {
            var outcome = Outcome(document: document, kind: .failed, httpStatus: response.status, message: problem, requestID: requestID)
            outcome.serverRequestID = response.serverRequestID
            return outcome
        }
        let kind: Outcome.Kind
        switch response.status {
        case 200..<300: kind = .updated
        case 401, 403: kind = .forbidden
        case 404: kind = .notFound
        case 412: kind = .conflict
        default: kind = .failed
        }
        var outcome = Outcome(
            document: document, kind: kind, httpStatus: response.status, message: kind == .updated ? "" : AnswerCheck.serverMessage(response),
            requestID: requestID, newETag: kind == .updated ? response.eTag : nil)
        outcome.serverRequestID = response.serverRequestID
        return outcome
    }
}
