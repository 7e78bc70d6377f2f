import AsyncHTTPClient
import Foundation
import NIOHTTP1
import ReferralModel
import ReferralSandboxTesting
import Testing

@testable import ReferralSandbox

@Suite struct FaultTests {
    let body = #"[{"op":"replace","path":"/details/notes","value":"faulty"}]"#

    @Test func failRateAnswers503AndChangesNothing() async throws {
        try await TestSandbox.with({ $0.failRate = 1 }) { harness in
            let reply = try await harness.patch(try TestSandbox.sampleID(1), body)
            #expect(reply.status == 503)
            #expect(reply.code == "ServiceUnavailable")
            #expect(harness.sandbox.changeLog().isEmpty)
        }
    }

    @Test func droppedConnectionsGetNoAnswerAndChangeNothing() async throws {
        try await TestSandbox.with({ $0.dropRate = 1 }) { harness in
            await #expect(throws: (any Error).self) { try await harness.patch(try TestSandbox.sampleID(1), body) }
            #expect(harness.sandbox.changeLog().isEmpty)
        }
    }

    @Test func lostResponsesAreAppliedOnceHoweverOftenRetried() async throws {
        try await TestSandbox.with({ $0.lostResponseRate = 1 }) { harness in
            let id = try TestSandbox.sampleID(1)
            for _ in 0..<3 {
                await #expect(throws: (any Error).self) {
                    try await harness.patch(id, body, headers: [("MS-RequestId", "lost-1")])
                }
            }
            #expect(harness.sandbox.changeLog().count == 1)
            #expect(harness.referral(id)?["details"]?["notes"] == "faulty")
        }
    }

    @Test func rateLimitAnswers429WithRetryAfter() async throws {
        try await TestSandbox.with({ $0.rateLimit = 0.001 }) { harness in
            let id = try TestSandbox.sampleID(1)
            #expect(try await harness.patch(id, body).status == 204)  // the bucket holds one request
            let throttled = try await harness.patch(id, body)
            #expect(throttled.status == 429)
            // The throttling gateway's shape, as Partner Center's guidance shows it.
            let seconds = try #require(Int(throttled.headers.first(name: "Retry-After") ?? ""))
            #expect(throttled.json == ["statusCode": 429, "message": .string("Rate limit is exceeded. Try again in \(seconds) seconds.")])
            #expect(Int(throttled.headers.first(name: "Retry-After") ?? "") ?? 0 >= 1)
            #expect(harness.sandbox.changeLog().count == 1)
        }
    }

    @Test func faultsAreReproducibleFromTheSeed() async throws {
        func statuses(seed: UInt64) async throws -> [Int] {
            try await TestSandbox.with({
                $0.seed = seed
                $0.failRate = 0.4
            }) { harness in
                var statuses: [Int] = []
                for index in 0..<40 {
                    let id = try TestSandbox.sampleID(1 + index % 25)
                    statuses.append(try await harness.patch(id, body, headers: [("MS-RequestId", "req-\(index)")]).status)
                }
                return statuses
            }
        }
        let first = try await statuses(seed: 7)
        #expect(first == (try await statuses(seed: 7)))
        #expect(first != (try await statuses(seed: 8)))
        #expect(first.contains(503))
        #expect(first.contains(204))
    }

    @Test func planDecisionsDependOnKeyAndOccurrenceOnly() {
        let plan = FaultPlan(
            seed: 3, failRate: 0.1, dropRate: 0.1, lostResponseRate: 0.1, latency: .milliseconds(50), jitter: .milliseconds(10))
        var faults = 0
        for index in 0..<1000 {
            let decision = plan.decide(key: "k\(index)", occurrence: 0, isWrite: true)
            #expect(decision == plan.decide(key: "k\(index)", occurrence: 0, isWrite: true))
            #expect(decision.delay >= .milliseconds(40) && decision.delay <= .milliseconds(60))
            if decision.fault != nil { faults += 1 }
        }
        #expect((200...400).contains(faults))  // about 30 %
    }
}

@Suite struct SeedReferralsTests {
    @Test func loadsArraysAndItemsObjects() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let items = folder.appendingPathComponent("items.json")
        try Data(#"{"items": [{"id": "a"}, {"id": "b"}]}"#.utf8).write(to: items)
        #expect(try SeedReferrals.load(path: items.path).count == 2)
        let bad = folder.appendingPathComponent("bad.json")
        try Data(#"[{"name": "no id"}]"#.utf8).write(to: bad)
        #expect(throws: SeedReferrals.LoadError.missingID(name: bad.path, index: 0)) { try SeedReferrals.load(path: bad.path) }
        let list = folder.appendingPathComponent("object.json")
        try Data(#"{"id": "a"}"#.utf8).write(to: list)
        #expect(throws: SeedReferrals.LoadError.notAList(name: list.path)) { try SeedReferrals.load(path: list.path) }
        #expect(SeedReferrals.LoadError.missingID(name: "s.json", index: 3).description == #"referral 3 of s.json has no "id""#)
        #expect(TestSandbox.sampleReferrals().count == 60)
    }

    @Test func generationIsDeterministic() {
        let first = SeedReferrals.generate(count: 50, seed: 7)
        #expect(first == SeedReferrals.generate(count: 50, seed: 7))
        #expect(first != SeedReferrals.generate(count: 50, seed: 8))
        #expect(Set(first.compactMap { $0["id"]?.stringValue }).count == 50)
    }
}
