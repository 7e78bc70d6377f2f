import Foundation
import InMemoryLogging
import Logging
import ReferralModel
import ReferralOutcome
import ReferralPlan
import ReferralReport
import ReferralRun
import ReferralSandbox
import ReferralSend
import Synchronization
import Testing

/// The referral API as a dictionary, no HTTP: a GET answers the referral
/// with its eTag, a PATCH checks `If-Match`, applies the operations and
/// moves the eTag on. Every call is recorded.
final class InMemoryReferralAPI: ReferralTransport {
    struct Call: Equatable, CustomStringConvertible {
        var method: ReferralRequest.Method
        var ifMatch: String?
        var description: String { "\(method.rawValue)\(ifMatch.map { " \($0)" } ?? "")" }
    }

    private struct State {
        var referrals: [String: JSONValue]
        var versions: [String: Int] = [:]
        /// Referrals someone else edits just before our first PATCH reaches them.
        var racing: Set<String>
        var calls: [String: [Call]] = [:]
    }

    private let state: Mutex<State>

    init(_ referrals: [JSONValue], racing: Set<String> = []) {
        let byID = Dictionary(uniqueKeysWithValues: referrals.map { ($0["id"]!.stringValue!, $0) })
        state = Mutex(State(referrals: byID, racing: racing))
    }

    func send(_ request: ReferralRequest, token: Secret) async throws -> APIResponse {
        let id = URL(string: request.url)!.lastPathComponent
        let operations = request.method == .patch ? try PatchOperation.document(from: JSONParser.parse(request.body)) : []
        return state.withLock { state in
            state.calls[id, default: []].append(Call(method: request.method, ifMatch: request.headers.first { $0.0 == "If-Match" }?.1))
            guard let referral = state.referrals[id] else {
                return Self.answer(404, ["code": "NotFound", "description": .string("no referral with id \(id)")])
            }
            guard request.method == .patch else { return Self.answer(200, Self.with(referral, eTag: Self.eTag(id, state))) }
            if state.racing.remove(id) != nil { state.versions[id, default: 1] += 1 }
            if let ifMatch = request.headers.first(where: { $0.0 == "If-Match" })?.1, ifMatch != "\"\(Self.eTag(id, state))\"" {
                return Self.answer(412, ["code": "PreconditionFailed", "description": "the referral has changed"])
            }
            guard let patched = try? PatchApplier.apply(operations, to: referral) else {
                return Self.answer(400, ["code": "InvalidPatch", "description": "cannot apply"])
            }
            state.referrals[id] = patched
            state.versions[id, default: 1] += 1
            return Self.answer(200, Self.with(patched, eTag: Self.eTag(id, state)))
        }
    }

    var calls: [String: [Call]] { state.withLock { $0.calls } }

    func referral(_ id: String) -> JSONValue? { state.withLock { $0.referrals[id] } }

    private static func eTag(_ id: String, _ state: State) -> String { "v\(state.versions[id, default: 1])" }

    private static func with(_ referral: JSONValue, eTag: String) -> JSONValue {
        guard case .object(var members) = referral else { return referral }
        members["eTag"] = .string(eTag)
        return .object(members)
    }

    private static func answer(_ status: Int, _ body: JSONValue) -> APIResponse {
        var headers = [("Content-Type", "application/json")]
        if let eTag = body["eTag"]?.stringValue { headers.append(("ETag", "\"\(eTag)\"")) }
        return APIResponse(status: status, headers: headers, body: JSONWriter.bytes(body))
    }
}

/// A whole `apply` (input file → journal → report folder) over the
/// in-memory API: what was sent, in which order, and what the report says.
@Suite struct InMemoryApplyTests {
    static func referral(_ id: String, status: String = "Active", substatus: String = "Accepted", notes: String = "old") -> JSONValue {
        ["id": .string(id), "status": .string(status), "substatus": .string(substatus), "details": ["notes": .string(notes)]]
    }

    @Test func aRunReadsWritesAndReportsEachDocumentOnceAndReReadsAfterAConflict() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("referral-bulk-memory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("input.csv").path
        try Data("id,notes\nr1,new note\nr2,same\nr3,late note\nmissing,anything\nr5,racing note\n".utf8).write(to: URL(fileURLWithPath: input))
        let api = InMemoryReferralAPI(
            [
                Self.referral("r1"), Self.referral("r2", notes: "same"), Self.referral("r3", status: "Closed", substatus: "Won"),
                Self.referral("r5"),
            ], racing: ["r5"])
        var configuration = ApplyRun.Configuration(input: input, endpoint: "https://api.example")
        configuration.reportDirectory = folder.appendingPathComponent("run").path
        configuration.stateDirectory = folder.appendingPathComponent("state").path
        configuration.concurrency = 2
        configuration.sender.requestID = { document, call in "\(document.sequence)-\(call)" }
        let memory = InMemoryLogHandler()
        var logger = Logger(label: "memory") { _ in memory }
        logger.logLevel = .trace

        let result = try #require(try await ApplyRun(configuration: configuration, logger: logger)
            .run(tokens: StaticTokenProvider(Secret("t")), transport: api).result)

        #expect(result.exitStatus == .someRowsNotApplied)
        #expect(result.summary.counts == [.updated: 2, .unchanged: 1, .invalidTransition: 1, .notFound: 1])
        #expect(result.summary.retries == 0)
        let calls = api.calls.mapValues { $0.map(\.description) }
        #expect(calls["r1"] == ["GET", "PATCH \"v1\""])
        #expect(calls["r2"] == ["GET"])
        #expect(calls["r3"] == ["GET"])
        #expect(calls["missing"] == ["GET"])
        // Someone else's edit moved r5 to v2 before our PATCH: 412, read again, sent again.
        #expect(calls["r5"] == ["GET", "PATCH \"v1\"", "GET", "PATCH \"v2\""])
        #expect(api.referral("r1")?["details"]?["notes"] == "new note")
        #expect(api.referral("r5")?["details"]?["notes"] == "racing note")

        let results = try ApplyHarness.rows(path: folder.appendingPathComponent("run/results.csv").path).dropFirst()
        // Outcomes are written as they finish: compared without their order.
        #expect(
            results.map { "\($0[1]) \($0[2])" }.sorted()
                == ["missing not_found", "r1 updated", "r2 unchanged", "r3 invalid_transition", "r5 updated"])
        let retry = try ApplyHarness.rows(path: folder.appendingPathComponent("run/retry.csv").path).dropFirst()
        #expect(retry.map { $0[0] }.sorted() == ["missing", "r3"])

        // Each attempt's line names the referral by its ID and the call by its request ID.
        let attempts = memory.entries.filter { $0.message.description == "attempt" }
        #expect(attempts.count == 9)
        #expect(attempts.filter { $0.metadata["referral.id"] == "r5" }.compactMap { $0.metadata["request.id"]?.description } == ["4-1", "4-2", "4-3", "4-4"])
    }
}
