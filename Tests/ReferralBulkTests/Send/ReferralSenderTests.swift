import Foundation
import Logging
import ReferralOutcome
import Synchronization
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend

/// A transport that answers from a script and records what was sent.
final class ScriptedTransport: ReferralTransport {
    enum Step {
        case answer(Int, JSONValue?, headers: [(String, String)] = [])
        /// An answer whose body is these bytes as they are (not JSON, cut short...).
        case raw(Int, [UInt8], headers: [(String, String)])
        case noAnswer
        /// The transport throws this error (a library's, with its own text).
        case failure(any Error)
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
        case .raw(let status, let body, let headers):
            return APIResponse(status: status, headers: headers, body: body)
        case .noAnswer:
            throw TransportFailure.connectionClosed
        case .failure(let error):
            throw error
        }
    }

    var sent: [(request: ReferralRequest, token: String)] { state.withLock { $0.sent } }

    func requestID(_ index: Int) -> String? { header("client-request-id", of: index) }

    func header(_ name: String, of index: Int) -> String? { sent[index].request.headers.first { $0.0 == name }?.1 }
}

/// Tokens "t1", "t2", ... : each refresh hands out the next one.
final class CountingTokens: TokenProvider {
    private let count = Mutex(1)
    private let refreshable: Bool

    init(refreshable: Bool = true) { self.refreshable = refreshable }

    func token() async throws -> Secret { Secret("t\(count.withLock { $0 })") }

    func tokenRejected(_ rejected: Secret) async throws -> Secret {
        guard refreshable else { throw TokenError.rejectedFixed }
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

    func sender(
        _ transport: ScriptedTransport, tokens: any TokenProvider = CountingTokens(), stop: StopSignal = StopSignal(), preflight: Bool = true,
        sleep: (@Sendable (ContinuousClock.Instant) async throws -> Void)? = { _ in }
    ) -> ReferralSender {
        var options = ReferralSender.Options(endpoint: "https://api.example")
        options.preflight = preflight
        options.retry = RetryPolicy(maxAttempts: 4, base: .milliseconds(1), cap: .milliseconds(1))
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let governor = SendGovernor(stop: stop)
        guard let sleep else {
            return ReferralSender(options: options, transport: transport, tokens: tokens, governor: governor, stop: stop, logger: logger)
        }
        return ReferralSender(options: options, transport: transport, tokens: tokens, governor: governor, stop: stop, logger: logger, sleep: sleep)
    }

    @Test func preflightPutsTheETagIntoIfMatchAndKeepsBeforeValues() async throws {
        let transport = ScriptedTransport([.answer(200, active), .answer(204, nil, headers: [("ETag", "\"e2\"")])])
        let outcome = try #require(await sender(transport).send(document([notes])))
        #expect(outcome.kind == .updated)
        #expect(outcome.newETag == "e2")
        #expect(outcome.attempts == 1)  // the write's
        #expect(outcome.readAttempts == 1)
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
        #expect(stop.reason == .credentialsRejected(.token(.rejectedFixed)))
        #expect(stop.reason?.description == "credentials rejected: the token was rejected, and it cannot be refreshed")
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

    @Test func everyCallCarriesTheDocumentedRequestIDsAndTheRunsCorrelationID() async throws {
        // A preflight read, a PATCH answered 503 then 204: two logical calls, three attempts.
        let transport = ScriptedTransport([
            .answer(200, active, headers: [("Request-ID", "srv-read")]), .answer(503, nil, headers: [("request-id", "srv-503")]),
            .answer(204, nil, headers: [("request-id", "srv-patch")]),
        ])
        let sender = sender(transport)
        let outcome = try #require(await sender.send(document([notes])))
        #expect(outcome.kind == .updated)
        let ids = (0..<3).map { transport.requestID($0) }
        #expect(ids[1] == ids[2] && ids[0] != ids[1])  // a new GUID per call, the same on its retry
        #expect((0..<3).allSatisfy { transport.header("MS-RequestId", of: $0) == ids[$0] })
        let correlation = (0..<3).map { transport.header("MS-CorrelationId", of: $0) }
        #expect(correlation.allSatisfy { $0 == sender.options.correlationID })
        #expect(UUID(uuidString: sender.options.correlationID) != nil)
        #expect(outcome.requestID == ids[1])
        #expect(outcome.serverRequestID == "srv-patch")
        // An outcome decided by a read carries the read's server id.
        let read = ScriptedTransport([.answer(200, active, headers: [("Request-ID", "srv-only-read")])])
        let unchanged = try #require(await self.sender(read).send(document([PatchOperation(.replace, notes.path, "old")])))
        #expect(unchanged.kind == .unchanged && unchanged.serverRequestID == "srv-only-read")
    }

    @Test func retriesExhaustedIsFailed() async throws {
        let transport = ScriptedTransport([.noAnswer, .noAnswer, .noAnswer, .noAnswer])
        let outcome = try #require(await sender(transport, preflight: false).send(document([notes])))
        #expect(outcome.kind == .failed)
        #expect(outcome.attempts == 4)
    }
}

/// Answers that cannot be believed are failures, never successes, and the
/// report says why in our words.
@Suite struct UntrustworthyAnswerTests {
    let base = ReferralSenderTests()
    var notes: PatchOperation { base.notes }
    let html = Array("<html><body>Sign in</body></html>".utf8)

    @Test(arguments: [
        (200, "<html>login</html>", "text/html; charset=utf-8", "the answer to the read was not JSON (text/html)"),
        (200, "", "application/json", "the answer to the read was empty"),
        (200, #"{"id":"r1","eTag":"e1","sta"#, "application/json", "the answer to the read was not JSON (application/json)"),
        (200, #"{"value":[]}"#, "application/json", "the answer to the read was not the referral asked for"),
        (200, #"["r1"]"#, "application/json", "the answer to the read was not the referral asked for"),
        (203, #"{"id":"r1"}"#, "application/json", "the read was answered 203, not 200 with the referral"),
    ])
    func anUnreadablePreflightIsFailedAndNothingIsSent(status: Int, body: String, contentType: String, reason: String) async throws {
        let transport = ScriptedTransport([.raw(status, Array(body.utf8), headers: [("Content-Type", contentType)])])
        let outcome = try #require(await base.sender(transport).send(base.document([notes])))
        #expect(outcome.kind == .failed)
        #expect(outcome.message == reason)
        #expect(transport.sent.map(\.request.method) == [.get])
        #expect(ReferralSender.isServerFailure(outcome))
    }

    @Test func aWriteAnsweredWithAPageIsNotUpdated() async throws {
        let transport = ScriptedTransport([.raw(200, html, headers: [("Content-Type", "text/html")])])
        let outcome = try #require(await base.sender(transport, preflight: false).send(base.document([notes])))
        #expect(outcome.kind == .failed)
        #expect(outcome.message == "the answer to the write was not JSON (text/html)")
    }

    @Test func only404sWithTheAPIsOwnAnswerAreNotFound() async throws {
        let page = ScriptedTransport([.raw(404, html, headers: [("Content-Type", "text/html")])])
        let fromAProxy = try #require(await base.sender(page).send(base.document([notes])))
        #expect(fromAProxy.kind == .failed)
        #expect(fromAProxy.message == "404 without the API's JSON error (text/html): not taken as not found")
        let api = ScriptedTransport([.answer(404, ["code": "NotFound", "description": "no referral with id r1"])])
        let fromTheAPI = try #require(await base.sender(api).send(base.document([notes])))
        #expect(fromTheAPI.kind == .notFound)
        #expect(fromTheAPI.message == "404 NotFound: no referral with id r1")
    }

    @Test func aRedirectIsNotFollowedAndNamesItsHost() async throws {
        let location = [("Location", "https://elsewhere.example/v1.0/engagements/referrals/r1")]
        let transport = ScriptedTransport([.answer(200, base.active), .raw(307, [], headers: location)])
        let outcome = try #require(await base.sender(transport).send(base.document([notes])))
        #expect(outcome.kind == .failed)
        #expect(outcome.httpStatus == 307)
        #expect(outcome.message == "redirected (307) to elsewhere.example; redirects are not followed")
        #expect(transport.sent.count == 2)
        let read = ScriptedTransport([.raw(302, [], headers: [("Location", "https://login.example/")])])
        let readOutcome = try #require(await base.sender(read).send(base.document([notes])))
        #expect(readOutcome.kind == .failed)
        #expect(readOutcome.message.contains("login.example"))
    }

    @Test func aLibraryErrorNeverReachesTheMessage() async throws {
        struct Leaky: Error, CustomStringConvertible {
            var description: String { "invalid header value: Authorization: Bearer eyJ-secret-token" }
        }
        let transport = ScriptedTransport(Array(repeating: .failure(Leaky()), count: 4))
        let outcome = try #require(await base.sender(transport, preflight: false).send(base.document([notes])))
        #expect(outcome.kind == .failed)
        #expect(outcome.message == "no answer (network error) after 4 attempts")
    }

    @Test func serverTextIsCappedAndItsControlCharactersEscaped() async throws {
        let description = "bad value\r\nInjected: header" + String(repeating: "x", count: 5000)
        let transport = ScriptedTransport([.answer(422, ["code": "Bad\u{1B}[31m", "description": .string(description)])])
        let outcome = try #require(await base.sender(transport, preflight: false).send(base.document([notes])))
        #expect(!outcome.message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(outcome.message.hasPrefix(#"422 Bad\u{1b}[31m: bad value\u{d}\u{a}Injected: header"#))
        #expect(outcome.message.count < ServerError.messageLimit + 40)
    }

    @Test func a400WithoutPreflightIsExplainedByOneReadOfAClosedReferral() async throws {
        var closed = base.active
        if case .object(var members) = closed {
            members["status"] = "Closed"
            members["substatus"] = "Lost"
            closed = .object(members)
        }
        // A code our sandbox never sends: the read decides, not the code.
        let transport = ScriptedTransport([.answer(400, ["code": "E_1093", "description": "update rejected"]), .answer(200, closed)])
        let outcome = try #require(await base.sender(transport, preflight: false).send(base.document([notes])))
        #expect(outcome.kind == .invalidTransition)
        #expect(outcome.message.hasPrefix("ReferralClosed"))
        #expect(transport.sent.map(\.request.method) == [.patch, .get])
    }

    @Test func a400OnAReferralThatMayMoveStaysFailedWithTheServersMessage() async throws {
        let transport = ScriptedTransport([
            .answer(400, ["code": "InvalidStatusTransition", "description": "dealValue is too large"]), .answer(200, base.active),
        ])
        let outcome = try #require(await base.sender(transport, preflight: false).send(base.document([notes])))
        #expect(outcome.kind == .failed)
        #expect(outcome.message == "400 InvalidStatusTransition: dealValue is too large")
    }
}

/// A run that cannot succeed ends in seconds, saying why; a stop wakes every wait.
@Suite struct FastAbortTests {
    let base = ReferralSenderTests()

    @Test func anEndpointThatRefusesEveryConnectionStopsTheRun() async throws {
        let stop = StopSignal()
        let transport = ScriptedTransport(Array(repeating: .failure(TransportFailure.connectionRefused), count: 10))
        let outcome = await base.sender(transport, stop: stop, preflight: false).send(base.document([base.notes]))
        #expect(outcome == nil)  // left for a resume: the run stopped while it waited to retry
        #expect(stop.reason == .unreachable(.noConnection(origin: "https://api.example", .connectionRefused)))
        #expect(stop.reason?.description == "cannot reach https://api.example: connection refused")
        #expect(transport.sent.count == 3)
    }

    @Test func timeoutsAloneDoNotMeanUnreachable() async throws {
        let stop = StopSignal()
        let transport = ScriptedTransport(Array(repeating: .failure(TransportFailure.timedOut), count: 4))
        let outcome = try #require(await base.sender(transport, stop: stop, preflight: false).send(base.document([base.notes])))
        #expect(outcome.kind == .failed)
        #expect(outcome.message == "no answer (timed out) after 4 attempts")
        #expect(stop.reason == nil)
    }

    @Test func everyTokenRejectedStopsTheRun() async throws {
        let stop = StopSignal()
        let transport = ScriptedTransport(Array(repeating: .answer(401, nil), count: 6))
        let sender = base.sender(transport, stop: stop, preflight: false)
        for _ in 0..<3 { _ = await sender.send(base.document([base.notes])) }
        #expect(stop.reason == .credentialsRejected(.everyTokenRejected))
    }

    /// (A wait longer than --max-retry-after is not slept at all: the call fails.)
    @Test func aStopWakesARetryThatWouldSleepForMinutes() async throws {
        let stop = StopSignal()
        let transport = ScriptedTransport([.answer(503, nil, headers: [("Retry-After", "110")])])
        let sender = base.sender(transport, stop: stop, preflight: false, sleep: nil)
        let started = ContinuousClock.now
        let sending = Task { await sender.send(base.document([base.notes])) }
        let sent = await poll { transport.sent.count == 1 }
        #expect(sent)
        stop.stop(.interrupted(signal: 15))
        let outcome = await sending.value
        #expect(outcome == nil)
        #expect(ContinuousClock.now - started < .seconds(60))  // a wait of minutes, cut short
    }

    /// Polls (bounded: 2,000 × 10 ms) until `condition` holds.
    func poll(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<2000 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
