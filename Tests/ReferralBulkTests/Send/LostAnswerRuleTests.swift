import ReferralOutcome
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend

/// A write that is not idempotent and lost its answer is never resent
/// blind: the referral is read, and only what it lacks is sent. Pure: the
/// machine is fed by hand, no server (and so no replay memory) involved.
@Suite struct LostAnswerRuleTests {
    let base = ReferralSenderTests()
    let member = PatchOperation(.add, JSONPointer(tokens: ["team", "-"]), ["email": "new@contoso.example", "firstName": "New"])
    var notes: PatchOperation { base.notes }

    func machine(_ operations: [PatchOperation], preflight: Bool) -> DocumentMachine {
        DocumentMachine(
            document: base.document(operations),
            settings: .init(preflight: preflight, dryRun: false, conflictRetries: 1, recordsIntent: false, lostAnswerRounds: 3))
    }

    func referral(team: [JSONValue], notes: String = "old") -> JSONValue {
        ["id": "r1", "eTag": "e9", "status": "Active", "substatus": "Accepted", "details": ["dealValue": 100, "notes": .string(notes)],
         "team": .array(team)]
    }

    var jane: JSONValue { ["email": "Jane@Contoso.example"] }
    var newMember: JSONValue { ["email": "NEW@contoso.example", "firstName": "New"] }

    @Test func onlyAnAddIntoAnArrayIsNotIdempotent() {
        #expect(!LostAnswerRule.isIdempotent(member))
        #expect(!LostAnswerRule.isIdempotent(PatchOperation(.add, JSONPointer(tokens: ["team", "0"]), ["email": "x"])))
        #expect(LostAnswerRule.isIdempotent(notes))
        #expect(LostAnswerRule.isIdempotent(PatchOperation(.add, JSONPointer(tokens: ["details", "notes"]), "x")))
        #expect(LostAnswerRule.mayResendBlind([notes]) && !LostAnswerRule.mayResendBlind([notes, member]))
        #expect(!LostAnswerRule.mayHaveArrived(.connectionRefused) && LostAnswerRule.mayHaveArrived(.timedOut))
        #expect(LostAnswerRule.mayHaveArrived(.connectionClosed))
    }

    @Test(arguments: [true, false])
    func aLostAnswerWhoseChangeLandedIsUpdatedWithoutASecondWrite(preflight: Bool) throws {
        var machine = machine([member], preflight: preflight)
        if preflight {
            #expect(machine.start().read == .preflight)
            _ = try #require(machine.next(.read(DocumentMachineTests.answer(200, referral(team: [jane])))).patch)
        } else {
            #expect(machine.start().patch?.operations == [member])
        }
        #expect(machine.next(.patched(.answerLost("no answer (timed out)"), requestID: "w1")).read == .beforeResend)
        let outcome = try #require(machine.next(.read(DocumentMachineTests.answer(200, referral(team: [jane, newMember])))).outcome)
        #expect(outcome.kind == .updated)
        #expect(outcome.message == "the answer to the PATCH was lost (no answer (timed out)); a read showed the change applied: not sent again")
        #expect(outcome.requestID == "w1" && outcome.sentOperations == [member])
    }

    @Test(arguments: [true, false])
    func aLostAnswerWhoseChangeDidNotLandSendsOnlyWhatIsMissing(preflight: Bool) throws {
        var machine = machine([notes, member], preflight: preflight)
        if preflight {
            _ = machine.start()
            _ = try #require(machine.next(.read(DocumentMachineTests.answer(200, referral(team: [jane])))).patch)
        } else {
            _ = machine.start()
        }
        #expect(machine.next(.patched(.answerLost("no answer (connection closed)"), requestID: "w1")).read == .beforeResend)
        // The notes are as asked already (someone else, or the input), the member is not there.
        let resend = try #require(machine.next(.read(DocumentMachineTests.answer(200, referral(team: [jane], notes: "new")))).patch)
        #expect(resend.operations == [member])
        #expect(resend.ifMatch == (preflight ? "e9" : nil))  // the If-Match the first attempt carried
        let outcome = try #require(machine.next(.patched(DocumentMachineTests.answer(204), requestID: "w2")).outcome)
        #expect(outcome.kind == .updated)
        #expect(outcome.requestID == "w2" && outcome.sentOperations == [member])
        #expect(outcome.message.contains("a read showed 1 of 2 operation(s) missing: only those were sent again"))
    }

    @Test func aReadThatFailsSendsNothingMoreAndSaysItMayHaveBeenApplied() throws {
        var machine = machine([member], preflight: false)
        _ = machine.start()
        _ = machine.next(.patched(.answerLost("no answer (timed out)"), requestID: "w1"))
        let outcome = try #require(machine.next(.read(.gaveUp("503 after 6 attempts", lastStatus: 503))).outcome)
        #expect(outcome.kind == .failed)
        #expect(outcome.message.contains("not sent again, it may have been applied (503 after 6 attempts)"))
        #expect(outcome.requestID == "w1")
    }

    @Test func answersLostEveryTimeEndFailedAfterBoundedRounds() throws {
        var machine = machine([member], preflight: false)
        var action = machine.start()
        var writes = 0
        while case .patch = action {
            writes += 1
            #expect(machine.next(.patched(.answerLost("no answer (timed out)"), requestID: "w\(writes)")).read == .beforeResend)
            action = machine.next(.read(DocumentMachineTests.answer(200, referral(team: [jane]))))
        }
        #expect(writes == machine.settings.lostAnswerRounds)
        let outcome = try #require(action.outcome)
        #expect(outcome.kind == .failed && outcome.message.contains("3 times; the referral does not hold the change"))
    }

    @Test func theSenderNeverResendsAnAddBlindAndReadsInstead() async throws {
        // No preflight: the PATCH's answer is lost, the read shows the member there.
        let transport = ScriptedTransport([.noAnswer, .answer(200, referral(team: [jane, newMember]))])
        let outcome = try #require(await base.sender(transport, preflight: false).send(base.document([member])))
        #expect(outcome.kind == .updated)
        #expect(transport.sent.map(\.request.method) == [.patch, .get])
        // A replace alone is retried as it is, under the same request id.
        let replace = ScriptedTransport([.noAnswer, .answer(204, nil)])
        let retried = try #require(await base.sender(replace, preflight: false).send(base.document([notes])))
        #expect(retried.kind == .updated && replace.sent.map(\.request.method) == [.patch, .patch])
        #expect(replace.requestID(0) == replace.requestID(1))
        // A connection never made cannot have applied anything: retried as it is.
        let refused = ScriptedTransport([.failure(TransportFailure.connectionRefused), .answer(204, nil)])
        let sent = try #require(await base.sender(refused, preflight: false).send(base.document([member])))
        #expect(sent.kind == .updated && refused.sent.map(\.request.method) == [.patch, .patch])
    }
}
