import Foundation
import HTTPTypes
import HummingbirdCore
import NIOHTTP1
import ReferralModel
import ReferralSandboxTesting
import Testing

@testable import ReferralSandbox

/// The hostile servers the sandbox plays answer as promised and apply nothing.
@Suite struct HostileModeTests {
    let body = #"[{"op":"replace","path":"/details/notes","value":"hostile"}]"#

    @Test func argumentsNameEachMode() {
        #expect(HostileMode(argument: "html-read") == .htmlReads)
        #expect(HostileMode(argument: "empty-read") == .emptyReads)
        #expect(HostileMode(argument: "truncated-read") == .truncatedReads)
        #expect(HostileMode(argument: "trickle-read") == .trickleReads(interval: .milliseconds(500)))
        #expect(HostileMode(argument: "redirect-write=http://127.0.0.1:9") == .redirectWrites(to: "http://127.0.0.1:9"))
        #expect(HostileMode(argument: "retry-after=86400") == .throttleEverything(retryAfter: 86_400))
        for wrong in ["", "html", "redirect-write", "retry-after=-1", "retry-after=soon", "html-read=1"] {
            #expect(HostileMode(argument: wrong) == nil, "\(wrong)")
        }
    }

    @Test func readsAreAnsweredWithAPageNothingOrHalfTheReferral() async throws {
        let id = try TestSandbox.sampleID(1)
        try await TestSandbox.with({ $0.hostile = .htmlReads }) { harness in
            let reply = try await harness.get(id)
            #expect(reply.status == 200)
            #expect(reply.headers["Content-Type"].first?.hasPrefix("text/html") == true)
            #expect(reply.json == nil)
        }
        try await TestSandbox.with({ $0.hostile = .emptyReads }) { harness in
            let reply = try await harness.get(id)
            #expect(reply.status == 200)
            #expect(reply.body.isEmpty)
        }
        try await TestSandbox.with({ $0.hostile = .truncatedReads }) { harness in
            let whole = JSONWriter.bytes(try #require(harness.referral(id)))
            let reply = try await harness.get(id)
            #expect(reply.status == 200)
            #expect(reply.body == Array(whole.prefix(whole.count / 2)))
            #expect(reply.json == nil)
            // Writes are left alone by a read fault: this one applies.
            #expect(try await harness.patch(id, body).status == 204)
        }
    }

    @Test func writesAreRedirectedOrThrottledAndNothingIsApplied() async throws {
        let redirect = try #require(SandboxRoutes.hostileAnswer(.redirectWrites(to: "http://127.0.0.1:9"), isWrite: true, uri: "/v1.0/engagements/referrals/x", referral: nil))
        #expect(redirect.status.code == 307)
        #expect(redirect.headers[.location] == "http://127.0.0.1:9/v1.0/engagements/referrals/x")
        #expect(SandboxRoutes.hostileAnswer(.redirectWrites(to: "http://127.0.0.1:9"), isWrite: false, uri: "/x", referral: nil) == nil)
        try await TestSandbox.with({ $0.hostile = .throttleEverything(retryAfter: 86_400) }) { harness in
            let reply = try await harness.patch(try TestSandbox.sampleID(1), body)
            #expect(reply.status == 429)
            #expect(reply.headers["Retry-After"].first == "86400")
            #expect(harness.sandbox.changeLog().isEmpty)
        }
    }
}
