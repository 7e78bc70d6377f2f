import Foundation
import Logging
import Synchronization
import Testing

@testable import ReferralBulk

/// A transport that answers from a script and records what was sent.
final class ScriptedTransport: ReferralTransport {
    enum Step {
        case answer(Int, JSONValue?, headers: [(String, String)] = [])
        case noAnswer
    }

    private let state: Mutex<(steps: [Step], sent: [(ReferralRequest, String)])>

    init(_ steps: [Step]) { state = Mutex((steps, [])) }

    func send(_ request: ReferralRequest, token: Secret) async throws -> APIResponse {
        let step = state.withLock { state -> Step in
            state.sent.append((request, token.revealed))
            return state.steps.isEmpty ? .answer(500, nil) : state.steps.removeFirst()
        }
        switch step {
        case .answer(let status, let body, let headers):
            return APIResponse(status: status, headers: headers, body: body.map { JSONWriter.bytes($0) } ?? [])
        case .noAnswer:
            throw URLError(.networkConnectionLost)
        }
    }

    var sent: [(request: ReferralRequest, token: String)] { state.withLock { $0.sent } }

    func requestID(_ index: Int) -> String? { sent[index].request.headers.first { $0.0 == "MS-RequestId" }?.1 }
}

/// Tokens "t1", "t2", ... : each refresh hands out the next one.
final class CountingTokens: TokenProvider {
    private let count = Mutex(1)
    private let refreshable: Bool

    init(refreshable: Bool = true) { self.refreshable = refreshable }

    func token() async throws -> Secret { Secret("t\(count.withLock { $0 })") }

    func tokenRejected(_ rejected: Secret) async throws -> Secret {
        guard refreshable else { throw TokenError("cannot refresh") }
        return Secret("t\(count.withLock { $0 += 1; return $0 })")
    }
}

@Suite struct ReferralSenderTests {
    let active: JSONValue = [
        "id": "r1", "eTag": "e1", "status": "Active", "substatus": "Accepted",
        "details": ["dealValue": 100, "notes": "old"], "team": [["email": "Jane@Contoso.example"]],
    ]

    func document(_ operations: [PatchOperation], ifMatch: String? = nil) -> PatchDocument {
        PatchDocument(referralID: "r1", lines: 2...2, ifMatch: ifMatch, operations: operations, sourceRows: [["r1"]], sequence: 0)
    }

    let notes = PatchOperation(.replace, JSONPointer(tokens: ["details", "notes"]), "new")

    func sender(_ transport: ScriptedTransport, tokens: any TokenProvider = CountingTokens(), stop: StopSignal = StopSignal(), preflight: Bool = true)
        -> ReferralSender
    {
        var options = ReferralSender.Options(endpoint: "https://api.example")
        options.preflight = preflight
        options.retry = RetryPolicy(maxAttempts: 4, base: .milliseconds(1), cap: .milliseconds(1))
        return ReferralSender(
            options: options, transport: transport, tokens: tokens, governor: SendGovernor(stop: stop),
            stop: stop, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, sleep: { _ in })
    }

    @Test func preflightPutsTheETagIntoIfMatchAndKeepsBeforeValues() async throws {
        let transport = ScriptedTransport([.answer(200, active), .answer(204, nil, headers: [("ETag", "\"e2\"")])])
        let outcome = try #require(await sender(transport).send(document([notes])))
        #expect(outcome.kind == .updated)
        #expect(outcome.newETag == "e2")
        #expect(outcome.attempts == 2)
        #expect(outcome.before == [Outcome.BeforeValue(path: notes.path, value: "old")])
        #expect(transport.sent[1].request.headers.contains { $0 == ("If-Match", "\"e1\"") })
    }

    @Test func a412ReReadsAndRetriesOnce() async throws {
        let transport = ScriptedTransport([.answer(200, active), .answer(412, nil), .answer(200, active), .answer(412, nil)])
        let outcome = try #require(await sender(transport).send(document([notes])))
        #expect(outcome.kind == .conflict)
        #expect(transport.sent.map(\.request.method) == [.get, .patch, .get, .patch])
    }

    @Test func anETagFromTheInputIsNotReReadOn412() async throws {
        let transport = ScriptedTransport([.answer(200, active), .answer(412, nil)])
        let outcome = try #require(await sender(transport).send(document([notes], ifMatch: "mine")))
        #expect(outcome.kind == .conflict)
        #expect(transport.sent.count == 2)
        #expect(transport.sent[1].request.headers.contains { $0 == ("If-Match", "\"mine\"") })
    }

    @Test func aLostAnswerIsRetriedWithTheSameRequestIDAndNotAppliedTwice() async throws {
        var applied = active
        if case .object(var members) = applied, case .object(var details)? = members["details"] {
            details["notes"] = "new"
            members["details"] = .object(details)
            applied = .object(members)
        }
        // The PATCH was applied but its answer lost; the retry meets the new eTag (412).
        let transport = ScriptedTransport([.answer(200, active), .noAnswer, .answer(412, nil), .answer(200, applied)])
        let outcome = try #require(await sender(transport).send(document([notes])))
        #expect(outcome.kind == .updated)
        #expect(transport.requestID(1) == transport.requestID(2))
        #expect(transport.sent.filter { $0.request.method == .patch }.count == 2)
    }

    @Test func a401RefreshesTheTokenOnceThenIsForbidden() async throws {
        let transport = ScriptedTransport([.answer(401, nil), .answer(401, nil)])
        let outcome = try #require(await sender(transport, preflight: false).send(document([notes])))
        #expect(outcome.kind == .forbidden)
        #expect(transport.sent.map(\.token) == ["t1", "t2"])
    }

    @Test func aTokenThatCannotBeRefreshedStopsTheRun() async throws {
        let stop = StopSignal()
        let transport = ScriptedTransport([.answer(401, nil)])
        let outcome = await sender(transport, tokens: CountingTokens(refreshable: false), stop: stop, preflight: false)
            .send(document([notes]))
        #expect(outcome == nil)
        #expect(stop.reason == .credentialsRejected("cannot refresh"))
    }

    @Test func aClosedReferralIsAnInvalidTransitionWithoutAPatch() async throws {
        var closed = active
        if case .object(var members) = closed {
            members["status"] = "Closed"
            members["substatus"] = "Won"
            closed = .object(members)
        }
        let transport = ScriptedTransport([.answer(200, closed)])
        let outcome = try #require(await sender(transport).send(document([notes])))
        #expect(outcome.kind == .invalidTransition)
        #expect(transport.sent.count == 1)
    }

    @Test func fieldsAlreadyAsAskedAndKnownTeamMembersAreNotSent() async throws {
        let transport = ScriptedTransport([.answer(200, active)])
        let sameValue = PatchOperation(.replace, JSONPointer(tokens: ["details", "dealValue"]), "100")
        let knownMember = PatchOperation(.add, JSONPointer(tokens: ["team", "-"]), ["email": "jane@contoso.example"])
        let outcome = try #require(await sender(transport).send(document([sameValue, knownMember])))
        #expect(outcome.kind == .unchanged)
        #expect(transport.sent.count == 1)
    }

    @Test func throttlingIsRetriedAndCounted() async throws {
        let transport = ScriptedTransport([.answer(429, nil, headers: [("Retry-After", "0")]), .answer(204, nil)])
        let outcome = try #require(await sender(transport, preflight: false).send(document([notes])))
        #expect(outcome.kind == .updated)
        #expect(outcome.throttled == 1)
        #expect(outcome.retries == 1)
        #expect(transport.requestID(0) == transport.requestID(1))
    }

    @Test func retriesExhaustedIsFailed() async throws {
        let transport = ScriptedTransport([.noAnswer, .noAnswer, .noAnswer, .noAnswer])
        let outcome = try #require(await sender(transport, preflight: false).send(document([notes])))
        #expect(outcome.kind == .failed)
        #expect(outcome.attempts == 4)
    }
}
