import Glibc
import ReferralOutcome
import Testing
@testable import ReferralModel
@testable import ReferralSend

/// Every branch of one document's decisions, fed by hand: no server, no clock.
@Suite struct DocumentMachineTests {
    let base = ReferralSenderTests()
    var notes: PatchOperation { base.notes }

    func machine(
        ifMatch: String? = nil, preflight: Bool = true, dryRun: Bool = false, conflictRetries: Int = 1, recordsIntent: Bool = false
    ) -> DocumentMachine {
        DocumentMachine(
            document: base.document([notes], ifMatch: ifMatch),
            settings: .init(preflight: preflight, dryRun: dryRun, conflictRetries: conflictRetries, recordsIntent: recordsIntent))
    }

    static func answer(_ status: Int, _ body: JSONValue? = nil, headers: [(String, String)] = [], lost: Bool = false)
        -> CallResult
    {
        .answered(APIResponse(status: status, headers: headers, body: body.map { JSONWriter.bytes($0) } ?? []), hadUnansweredAttempt: lost)
    }

    func referral(_ edit: (inout JSONObject) -> Void) -> JSONValue {
        guard case .object(var members) = base.active else { return base.active }
        edit(&members)
        return .object(members)
    }

    var closed: JSONValue {
        referral {
            $0["status"] = "Closed"
            $0["substatus"] = "Won"
        }
    }

    /// The referral once `notes` is applied.
    var applied: JSONValue {
        referral { $0["details"] = ["dealValue": 100, "notes": "new"] }
    }

    var oldNotes: [Outcome.BeforeValue] { [Outcome.BeforeValue(path: notes.path, value: "old")] }

    // MARK: The write

    @Test func preflightSendsWhatIsLeftWithTheETagReadAndTheAnswerIsTheOutcome() throws {
        var machine = machine()
        #expect(machine.start().read == .preflight)
        let patch = try #require(machine.next(.read(Self.answer(200, base.active))).patch)
        #expect(patch.operations == [notes])
        #expect(patch.ifMatch == "e1")
        let outcome = try #require(
            machine.next(.patched(Self.answer(204, headers: [("ETag", "\"e2\"")]), requestID: "w1")).outcome)
        #expect(outcome.kind == .updated)
        #expect(outcome.message == "")
        #expect(outcome.newETag == "e2")
        #expect(outcome.requestID == "w1")
        #expect(outcome.before == oldNotes)
        #expect(outcome.sentOperations == [notes])
    }

    @Test func anETagFromTheInputWinsOverTheOneRead() throws {
        var machine = machine(ifMatch: "mine")
        _ = machine.start()
        #expect(machine.next(.read(Self.answer(200, base.active))).patch?.ifMatch == "mine")
    }

    @Test func withoutPreflightTheInputIsSentAsItIsAndNoIntentIsRecorded() throws {
        var machine = machine(ifMatch: "mine", preflight: false, recordsIntent: true)
        let patch = try #require(machine.start().patch)
        #expect(patch.operations == [notes])
        #expect(patch.ifMatch == "mine")
        let outcome = try #require(machine.next(.patched(Self.answer(200, applied), requestID: "w1")).outcome)
        #expect(outcome.kind == .updated)
        #expect(outcome.before == [])
    }

    @Test func aJournalRecordsTheIntentBeforeThePatch() throws {
        var machine = machine(recordsIntent: true)
        _ = machine.start()
        guard case .recordIntent(let before, let operations) = machine.next(.read(Self.answer(200, base.active))) else {
            Issue.record("no intent recorded")
            return
        }
        #expect(before == oldNotes)
        #expect(operations == [notes])
        #expect(machine.next(.intentRecorded).patch?.ifMatch == "e1")
    }

    @Test func anIntentThatCannotBeRecordedStopsTheRunUnsent() {
        var machine = machine(recordsIntent: true)
        _ = machine.start()
        _ = machine.next(.read(Self.answer(200, base.active)))
        let diskFull = OutputFailure(path: "journal.sqlite", errno: ENOSPC)
        #expect(machine.next(.intentFailed(diskFull)).stopReason == .outputFailed(diskFull))
    }

    @Test func aWriteAnsweredWithAPageIsFailed() throws {
        var machine = machine(preflight: false)
        _ = machine.start()
        let page = CallResult.answered(
            APIResponse(status: 200, headers: [("Content-Type", "text/html")], body: Array("<html/>".utf8)), hadUnansweredAttempt: false)
        let outcome = try #require(machine.next(.patched(page, requestID: "w1")).outcome)
        #expect(outcome.kind == .failed)
        #expect(outcome.message == "the answer to the write was not JSON (text/html)")
    }

    @Test(arguments: [(403, Outcome.Kind.forbidden), (404, .notFound), (422, .failed), (500, .failed)])
    func aWritesErrorIsClassifiedByItsStatus(status: Int, kind: Outcome.Kind) throws {
        var machine = machine(preflight: false)
        _ = machine.start()
        let outcome = try #require(
            machine.next(.patched(Self.answer(status, ["code": "Code", "description": "said"]), requestID: "w1")).outcome)
        #expect(outcome.kind == kind)
        #expect(outcome.message == "\(status) Code: said")
        #expect(outcome.httpStatus == status)
        #expect(outcome.requestID == "w1")
    }

    @Test func aWriteThatGaveUpIsFailedWithItsRequestID() throws {
        var machine = machine(preflight: false)
        _ = machine.start()
        let outcome = try #require(machine.next(.patched(.gaveUp("503 after 4 attempts", lastStatus: 503), requestID: "w1")).outcome)
        #expect(outcome.kind == .failed)
        #expect(outcome.message == "503 after 4 attempts")
        #expect(outcome.httpStatus == 503)
        #expect(outcome.requestID == "w1")
    }

    @Test func aWriteWithoutCredentialsStopsTheRunAndACancelledOneIsLeft() {
        var rejected = machine(preflight: false)
        _ = rejected.start()
        #expect(rejected.next(.patched(.credentials(.providerFailed), requestID: "w1")).stopReason == .credentialsRejected(.providerFailed))
        var cancelled = machine(preflight: false)
        _ = cancelled.start()
        #expect(cancelled.next(.patched(.cancelled, requestID: "w1")).isLeftForResume)
    }

    // MARK: Preflight's own answers

    @Test func fieldsAlreadyAsAskedFinishUnchangedWithoutAWrite() throws {
        var machine = machine()
        _ = machine.start()
        let outcome = try #require(machine.next(.read(Self.answer(200, applied))).outcome)
        #expect(outcome.kind == .unchanged)
        #expect(outcome.message == "already as asked: nothing sent")
        #expect(outcome.httpStatus == 200)
    }

    @Test func aClosedReferralIsAnInvalidTransitionWithoutAWrite() throws {
        var machine = machine()
        _ = machine.start()
        let outcome = try #require(machine.next(.read(Self.answer(200, closed))).outcome)
        #expect(outcome.kind == .invalidTransition)
        #expect(outcome.message.hasPrefix("ReferralClosed: "))
    }

    @Test func aDryRunReadsEvenWithoutPreflightAndNeverWrites() throws {
        var machine = machine(preflight: false, dryRun: true, recordsIntent: true)
        #expect(machine.start().read == .preflight)
        let outcome = try #require(machine.next(.read(Self.answer(200, base.active))).outcome)
        #expect(outcome.kind == .wouldUpdate)
        #expect(outcome.message == "dry run: not sent")
        #expect(outcome.sentOperations == [notes])
        #expect(outcome.preview?.count == 1)
    }

    // MARK: Reads that end the document

    @Test func anUnreadableReadIsFailedWithTheReason() throws {
        var machine = machine()
        _ = machine.start()
        let outcome = try #require(machine.next(.read(Self.answer(200, ["value": []]))).outcome)
        #expect(outcome.kind == .failed)
        #expect(outcome.message == "the answer to the read was not the referral asked for")
        #expect(outcome.requestID == nil)
    }

    @Test(arguments: [(404, Outcome.Kind.notFound), (403, .forbidden), (500, .failed)])
    func aReadsErrorIsClassifiedByItsStatus(status: Int, kind: Outcome.Kind) throws {
        var machine = machine()
        _ = machine.start()
        let outcome = try #require(machine.next(.read(Self.answer(status, ["code": "Code", "description": "said"]))).outcome)
        #expect(outcome.kind == kind)
        #expect(outcome.message == "\(status) Code: said")
        #expect(outcome.requestID == nil)
    }

    @Test func aReadThatGaveUpIsFailed() throws {
        var machine = machine()
        _ = machine.start()
        let outcome = try #require(machine.next(.read(.gaveUp("no answer (timed out) after 4 attempts", lastStatus: nil))).outcome)
        #expect(outcome.kind == .failed)
        #expect(outcome.message == "no answer (timed out) after 4 attempts")
        #expect(outcome.httpStatus == nil)
    }

    @Test func aReadWithoutCredentialsStopsTheRunAndACancelledOneIsLeft() {
        var rejected = machine()
        _ = rejected.start()
        #expect(rejected.next(.read(.credentials(.providerFailed))).stopReason == .credentialsRejected(.providerFailed))
        var cancelled = machine()
        _ = cancelled.start()
        #expect(cancelled.next(.read(.cancelled)).isLeftForResume)
    }

    // MARK: 412

    @Test func a412ReReadsAndPlansAgainUpToTheConflictRetries() throws {
        var machine = machine(conflictRetries: 2)
        _ = machine.start()
        for reread in 1...2 {
            _ = machine.next(.read(Self.answer(200, base.active)))
            #expect(machine.next(.patched(Self.answer(412), requestID: "w\(reread)")).read == .afterConflict(reread: reread))
        }
        // The referral moved on: the third plan uses the third read's eTag.
        let moved = referral { $0["eTag"] = "e3" }
        #expect(machine.next(.read(Self.answer(200, moved))).patch?.ifMatch == "e3")
        let outcome = try #require(machine.next(.patched(Self.answer(412), requestID: "w3")).outcome)
        #expect(outcome.kind == .conflict)
        #expect(outcome.requestID == "w3")
        #expect(outcome.before == oldNotes)
        #expect(machine.rereads == 2)
    }

    @Test func aReReadThatFindsTheChangeMadeByOthersIsUnchanged() throws {
        var machine = machine()
        _ = machine.start()
        _ = machine.next(.read(Self.answer(200, base.active)))
        _ = machine.next(.patched(Self.answer(412), requestID: "w1"))
        #expect(try #require(machine.next(.read(Self.answer(200, applied))).outcome).kind == .unchanged)
    }

    @Test func a412AgainstTheInputsETagIsAConflictWithoutAReRead() throws {
        var machine = machine(ifMatch: "mine")
        _ = machine.start()
        _ = machine.next(.read(Self.answer(200, base.active)))
        let outcome = try #require(machine.next(.patched(Self.answer(412), requestID: "w1")).outcome)
        #expect(outcome.kind == .conflict)
        #expect(machine.rereads == 0)
    }

    @Test func a412WithoutPreflightIsAConflictEvenAfterALostAnswer() throws {
        var machine = machine(preflight: false)
        _ = machine.start()
        #expect(try #require(machine.next(.patched(Self.answer(412, lost: true), requestID: "w1")).outcome).kind == .conflict)
    }

    @Test func a412AfterALostAnswerIsUpdatedWhenTheReferralHoldsEveryChange() throws {
        var machine = machine()
        _ = machine.start()
        _ = machine.next(.read(Self.answer(200, base.active)))
        #expect(machine.next(.patched(Self.answer(412, lost: true), requestID: "w1")).read == .lostAnswer)
        let outcome = try #require(machine.next(.read(Self.answer(200, applied))).outcome)
        #expect(outcome.kind == .updated)
        #expect(outcome.httpStatus == 412)
        #expect(outcome.message == "applied by an earlier attempt whose answer was lost")
        #expect(outcome.requestID == "w1")
        #expect(outcome.before == oldNotes)
        #expect(outcome.sentOperations == [notes])
    }

    @Test func a412AfterALostAnswerThatDidNotApplyReReadsAsAnyConflict() throws {
        var machine = machine()
        _ = machine.start()
        _ = machine.next(.read(Self.answer(200, base.active)))
        _ = machine.next(.patched(Self.answer(412, lost: true), requestID: "w1"))
        #expect(machine.next(.read(Self.answer(200, base.active))).read == .afterConflict(reread: 1))
        // With no re-read left, the same check ends as a conflict.
        _ = machine.next(.read(Self.answer(200, base.active)))
        _ = machine.next(.patched(Self.answer(412, lost: true), requestID: "w2"))
        let outcome = try #require(machine.next(.read(.gaveUp("no answer", lastStatus: nil))).outcome)
        #expect(outcome.kind == .conflict)
        #expect(outcome.requestID == "w2")
    }

    // MARK: 400

    @Test func a400OnAClosedReferralIsAnInvalidTransition() throws {
        var machine = machine(preflight: false)
        _ = machine.start()
        let rejected = Self.answer(400, ["code": "E_1093", "description": "update rejected"])
        #expect(machine.next(.patched(rejected, requestID: "w1")).read == .explainRejection)
        let outcome = try #require(machine.next(.read(Self.answer(200, closed))).outcome)
        #expect(outcome.kind == .invalidTransition)
        #expect(outcome.message.hasPrefix("ReferralClosed: "))
        // Our explanation keeps what the server said.
        #expect(outcome.message.hasSuffix("(the API answered 400 E_1093: update rejected)"))
        #expect(outcome.httpStatus == 400)
        #expect(outcome.requestID == "w1")
        #expect(outcome.sentOperations == [notes])
    }

    @Test(arguments: [
        CallResult.answered(
            APIResponse(status: 200, headers: [], body: JSONWriter.bytes(ReferralSenderTests().active)), hadUnansweredAttempt: false),
        .gaveUp("no answer", lastStatus: nil), .credentials(.providerFailed), .cancelled,
    ])
    func a400ThatTheReadDoesNotExplainStaysFailedWithTheServersMessage(read: CallResult) throws {
        var machine = machine(preflight: false)
        _ = machine.start()
        _ = machine.next(.patched(Self.answer(400, ["code": "Bad", "description": "dealValue is too large"]), requestID: "w1"))
        // Whatever the explaining read met, the document ends with the write's answer and the run goes on.
        let outcome = try #require(machine.next(.read(read)).outcome)
        #expect(outcome.kind == .failed)
        #expect(outcome.message == "400 Bad: dealValue is too large")
    }
}

extension DocumentMachine.Action {
    var read: DocumentMachine.Read? {
        guard case .read(let read) = self else { return nil }
        return read
    }

    var patch: (operations: [PatchOperation], ifMatch: String?)? {
        guard case .patch(let operations, let ifMatch) = self else { return nil }
        return (operations, ifMatch)
    }

    var outcome: Outcome? {
        guard case .finish(let outcome) = self else { return nil }
        return outcome
    }

    var stopReason: StopSignal.Reason? {
        guard case .stopRun(let reason) = self else { return nil }
        return reason
    }

    var isLeftForResume: Bool {
        guard case .leaveForResume = self else { return false }
        return true
    }
}
