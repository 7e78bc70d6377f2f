import Foundation
import NIOHTTP1
import ReferralModel
import ReferralSandboxTesting
import Testing

@testable import ReferralSend

/// The sandbox and the error reader held to Microsoft's own examples
/// (vendored verbatim: Fixtures/partner-center-docs), not to our memory of them.
@Suite struct PartnerCenterDocsTests {
    let docs: DocumentedExamples

    init() throws { docs = try DocumentedExamples.load() }

    /// §2.3's referral, as GET returns it (without the page's `@odata.context`).
    func documentedReferral() throws -> JSONValue {
        let response = try #require(docs.blocks(in: "2.3").first { $0.firstLine.hasPrefix("HTTP/1.1 200") })
        guard case .object(var members) = try response.json() else { throw Unexpected() }
        members["@odata.context"] = nil
        return .object(members)
    }

    struct Unexpected: Error {}

    @Test func theDocumentedPatchSamplesAreAnsweredAsDocumented() async throws {
        let referral = try documentedReferral()
        let id = try #require(referral["id"]?.stringValue)
        let samples = docs.blocks(in: "2.1").filter { $0.firstLine.hasPrefix("PATCH ") }
        #expect(samples.count == 4)
        let documented204 = try #require(docs.blocks(in: "2.1").first { $0.firstLine.hasPrefix("HTTP/1.1 204") })
        for sample in samples {
            try await TestSandbox.with({ _ in }, referrals: [referral]) { harness in
                let prefer = sample.headers.first { $0.0 == "Prefer" }
                let reply = try await harness.patch(id, try #require(sample.body), headers: prefer.map { [$0] } ?? [])
                // The documented answer's headers; Content-Length aside, which HTTP forbids on a 204 (RFC 9110 §8.6).
                for (name, _) in documented204.headers where name != "Content-Length" {
                    #expect(reply.headers.first(name: name) != nil, "\(name) missing")
                }
                #expect(UUID(uuidString: reply.headers.first(name: "Request-ID") ?? "") != nil)
                if prefer != nil {
                    #expect(reply.status == 200 && reply.json?["id"]?.stringValue == id)
                    #expect(reply.json?["eTag"]?.stringValue?.hasPrefix("\"") == true)  // quoted, as the docs show
                } else {
                    #expect(reply.status == 204 && reply.body.isEmpty)
                }
                let now = try #require(harness.referral(id))
                for operation in try PatchOperation.document(from: try sample.json()) {
                    if operation.path.tokens.last == "-" {
                        #expect(now["team"]?.arrayValue?.last == operation.value)
                    } else if operation.path.tokens.last == "dealValue" {
                        #expect(now["details"]?["dealValue"] == .number(10000))  // the docs' "10000", stored as the number it is
                    } else {
                        #expect(now.value(at: operation.path) == operation.value)
                    }
                }
            }
        }
    }

    @Test func theDocumentedETagGoesBackByteForByteAndAStaleOneIs412With99918() async throws {
        let referral = try documentedReferral()
        let id = try #require(referral["id"]?.stringValue)
        let eTag = try #require(referral["eTag"]?.stringValue)
        #expect(eTag == "\"2500ec5a-0000-0000-0000-5bf4967d0000\"")
        try await TestSandbox.with({ _ in }, referrals: [referral]) { harness in
            let read = try await harness.get(id)
            #expect(read.json?["eTag"]?.stringValue == eTag && read.headers.first(name: "ETag") == eTag)
            let body = #"[{"op":"replace","path":"/details/notes","value":"x"}]"#
            #expect(try await harness.patch(id, body, headers: [("If-Match", eTag)]).status == 204)
            let stale = try await harness.patch(id, body, headers: [("If-Match", eTag)])
            #expect(stale.status == 412)
            #expect(stale.json?["error"]?["innerError"]?["code"] == "99918")
            let error = ServerError(status: stale.status, body: stale.body, contentType: stale.headers.first(name: "Content-Type"))
            #expect(error.description == "412 PreconditionFailed (99918): Etag value did not Match")
        }
    }

    @Test func theDocumentedListAndItsSampleFiltersAreAnswered() async throws {
        let page = try #require(docs.blocks(in: "2.2").first { $0.firstLine.hasPrefix("HTTP/1.1 200") })
        let item = try #require(try page.json()["value"]?.arrayValue?.first)
        try await TestSandbox.with({ _ in }, referrals: [item]) { harness in
            let requests = docs.blocks(in: "2.2").filter { $0.firstLine.hasPrefix("GET ") }
            #expect(requests.count == 4)
            // The documented item is Independent, Incoming, New/Pending: only the second sample filter matches it.
            let expected = [1, 0, 1, 0]
            for (request, count) in zip(requests, expected) {
                let url = request.firstLine.dropFirst(4).replacingOccurrences(of: " HTTP/1.1", with: "")
                let path = String(url.dropFirst("https://api.partner.microsoft.com".count))
                let encoded = try #require(path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["+", " "])))
                let reply = try await harness.send(.GET, encoded, token: harness.adminToken)
                #expect(reply.status == 200, "\(path): \(reply.message ?? "")")
                #expect(reply.json?["@odata.count"] == .number(Decimal(count)), "\(path)")
                #expect(reply.json?["value"]?.arrayValue?.count == count)
                #expect(reply.headers.first(name: "Request-ID") != nil)
            }
        }
    }

    @Test func theErrorReaderSaysWhatEachDocumentedErrorBodySays() throws {
        let bodies = docs.blocks(in: "2.8").filter { $0.body != nil }
        #expect(bodies.count == 2)
        let read = { (status: Int, block: DocumentedExamples.Block) in
            ServerError(status: status, body: Array(block.body!.utf8), contentType: "application/json").description
        }
        #expect(
            read(401, bodies[0])
                == "401 unAuthorized (innerErrorCode): Caller is not authorized to access the resource. Unauthorized referral access")
        #expect(
            read(412, bodies[1])
                == "412 preconditionFailed (99918): A precondition provided in the request (such as an if-match header) does not match the resource's current state. One of the specified pre-condition is not met. Etag value did not Match")
    }
}
