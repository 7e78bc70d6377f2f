import Foundation
import NIOHTTP1
import ReferralModel
import ReferralSandboxTesting
import Testing

@testable import ReferralSandbox

@Suite struct ReferralRoutesTests {
    @Test func getReturnsTheReferralWithItsETagInBodyAndHeader() async throws {
        try await TestSandbox.with { harness in
            let id = try TestSandbox.sampleID(2)
            let reply = try await harness.get(id)
            #expect(reply.status == 200)
            let eTag = try #require(reply.json?["eTag"]?.stringValue)
            // Quoted in the JSON as in the docs, and the header carries the same bytes.
            #expect(eTag.hasPrefix("\"") && eTag.hasSuffix("\""))
            #expect(reply.headers.first(name: "ETag") == eTag)
            #expect(reply.json?["id"]?.stringValue == id)
            #expect(try await harness.get("00000000-0000-4000-8000-000000000000").status == 404)
        }
    }

    @Test func patchAnswers204OrTheReferralWhenAskedAndChangesTheETag() async throws {
        try await TestSandbox.with { harness in
            let id = try TestSandbox.sampleID(2)
            let before = try #require(harness.referral(id))
            let plain = try await harness.patch(id, #"[{"op":"replace","path":"/details/notes","value":"first"}]"#)
            #expect(plain.status == 204)
            #expect(plain.body.isEmpty)
            let full = try await harness.patch(
                id, #"[{"op":"replace","path":"/details/dealValue","value":"10000"}]"#,
                headers: [("Prefer", "return=representation")])
            #expect(full.status == 200)
            #expect(full.json?["details"]?["dealValue"] == 10000)  // a numeric string is stored as a number
            let after = try #require(harness.referral(id))
            #expect(after["eTag"] != before["eTag"])
            #expect(after["updatedDateTime"] != before["updatedDateTime"])
            #expect(after["details"]?["notes"] == "first")
            #expect(harness.sandbox.changeLog().count == 2)
        }
    }

    @Test func ifMatchMismatchIs412AndAMatchApplies() async throws {
        try await TestSandbox.with { harness in
            let id = try TestSandbox.sampleID(3)
            let eTag = try #require(harness.referral(id)?["eTag"]?.stringValue)
            let stale = try await harness.patch(id, #"[{"op":"replace","path":"/name","value":"x"}]"#, headers: [("If-Match", "\"stale\"")])
            #expect(stale.status == 412)
            #expect(stale.code == "PreconditionFailed")
            let fresh = try await harness.patch(id, #"[{"op":"replace","path":"/name","value":"x"}]"#, headers: [("If-Match", eTag)])
            #expect(fresh.status == 204)
            #expect(harness.sandbox.changeLog().count == 1)
        }
    }

    @Test func aPatchThatFailsHalfWayChangesNothing() async throws {
        try await TestSandbox.with { harness in
            let id = try TestSandbox.sampleID(4)
            let before = harness.referral(id)
            let reply = try await harness.patch(
                id, #"[{"op":"replace","path":"/name","value":"changed"},{"op":"replace","path":"/details/missing","value":1}]"#)
            #expect(reply.status == 400)
            #expect(reply.code == "InvalidPatch")
            #expect(harness.referral(id) == before)
            #expect(harness.sandbox.changeLog().isEmpty)
        }
    }

    @Test func schemaViolationsAre400WithAStableCode() async throws {
        try await TestSandbox.with { harness in
            let id = try TestSandbox.sampleID(5)
            let cases: [(String, String)] = [
                (#"[{"op":"replace","path":"/details/dealValue","value":"ten"}]"#, "InvalidField"),
                (#"[{"op":"replace","path":"/details/dealValue","value":-5}]"#, "InvalidField"),
                (#"[{"op":"replace","path":"/details/currency","value":"usd"}]"#, "InvalidField"),
                (#"[{"op":"replace","path":"/details/closingDateTime","value":"3/31/2027"}]"#, "InvalidField"),
                (#"[{"op":"add","path":"/team/-","value":{"firstName":"No","lastName":"Mail"}}]"#, "InvalidField"),
                (#"[{"op":"replace","path":"/status","value":"Open"}]"#, "InvalidField"),
                (#"[{"op":"replace","path":"/id","value":"x"}]"#, "ReadOnlyField"),
                (#"[{"op":"replace","path":"/eTag","value":"x"}]"#, "ReadOnlyField"),
                (#"[{"op":"add","path":"/createdDateTime","value":"2020-01-01T00:00:00Z"}]"#, "ReadOnlyField"),
                (#"[{"op":"remove","path":"/name"}]"#, "UnsupportedOperation"),
                (#"[{"op":"move","from":"/name","path":"/x"}]"#, "UnsupportedOperation"),
                (#"{"op":"replace"}"#, "InvalidPatch"),
                (#"not json"#, "InvalidPatch"),
                (#"[{"op":"replace","path":"name","value":"x"}]"#, "InvalidPatch"),
            ]
            for (body, code) in cases {
                let reply = try await harness.patch(id, body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.code == code, "\(body)")
                #expect(reply.message?.isEmpty == false)
            }
            #expect(harness.sandbox.changeLog().isEmpty)
        }
    }

    @Test func transitionsFollowTheTableAndClosedIsTerminal() async throws {
        try await TestSandbox.with { harness in
            let new = try TestSandbox.sampleID(1), active = try TestSandbox.sampleID(26), closed = try TestSandbox.sampleID(46)
            let toClosedWon = #"[{"op":"replace","path":"/status","value":"Closed"},{"op":"replace","path":"/substatus","value":"Won"}]"#
            let closedNotes = try await harness.patch(closed, #"[{"op":"replace","path":"/details/notes","value":"late"}]"#)
            #expect(closedNotes.status == 400)
            #expect(closedNotes.code == "ReferralClosed")
            let backToNew = try await harness.patch(active, #"[{"op":"replace","path":"/status","value":"New"},{"op":"replace","path":"/substatus","value":"Pending"}]"#)
            #expect(backToNew.code == "InvalidStatusTransition")
            let badPair = try await harness.patch(new, #"[{"op":"replace","path":"/status","value":"Active"},{"op":"replace","path":"/substatus","value":"Won"}]"#)
            #expect(badPair.code == "InvalidSubstatus")
            #expect(try await harness.patch(new, toClosedWon).status == 204)
            #expect(try await harness.patch(active, toClosedWon).status == 204)
            #expect(harness.referral(new)?["status"] == "Closed")
            #expect(harness.sandbox.changeLog().count == 2)
        }
    }

    @Test func rolesDecideWhoMayUpdate() async throws {
        try await TestSandbox.with { harness in
            let user = harness.sandbox.tokens[.referralUser]!
            let onTeam = try TestSandbox.sampleID(3), notOnTeam = try TestSandbox.sampleID(4)
            let body = #"[{"op":"replace","path":"/details/notes","value":"by riley"}]"#
            #expect(try await harness.patch(onTeam, body, token: user).status == 204)
            #expect(try await harness.patch(notOnTeam, body, token: user).status == 403)
            #expect(try await harness.patch(notOnTeam, body, token: harness.sandbox.tokens[.billingAdmin]!).status == 403)
            #expect(try await harness.patch(notOnTeam, body, token: harness.sandbox.tokens[.globalAdmin]!).status == 204)
            let unauthenticated = try await harness.send(.PATCH, "/v1.0/engagements/referrals/\(notOnTeam)", body: body)
            #expect(unauthenticated.status == 401)
            #expect(try await harness.patch(notOnTeam, body, token: "made-up").status == 401)
            #expect(harness.sandbox.changeLog().count == 2)
        }
    }

    @Test func tokenEndpointIssuesExpiringAndRefreshableTokens() async throws {
        try await TestSandbox.with({ $0.tokenTTL = .zero }) { harness in
            let form = "grant_type=client_credentials&client_id=\(harness.sandbox.clientID)&client_secret=\(harness.sandbox.clientSecret)"
            let issued = try await harness.send(.POST, "/oauth2/token", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: form)
            #expect(issued.status == 200)
            let access = try #require(issued.json?["access_token"]?.stringValue)
            let refresh = try #require(issued.json?["refresh_token"]?.stringValue)
            // A zero lifetime: expired as soon as issued.
            #expect(try await harness.get(try TestSandbox.sampleID(1), token: access).status == 401)
            let renewed = try await harness.send(.POST, "/oauth2/token", body: "grant_type=refresh_token&refresh_token=\(refresh)")
            #expect(renewed.status == 200)
            #expect(renewed.json?["access_token"]?.stringValue != access)
            let spent = try await harness.send(.POST, "/oauth2/token", body: "grant_type=refresh_token&refresh_token=\(refresh)")
            #expect(spent.status == 400)
            let wrongSecret = try await harness.send(.POST, "/oauth2/token", body: "grant_type=client_credentials&client_id=x&client_secret=y")
            #expect(wrongSecret.code == "invalid_grant")
        }
        try await TestSandbox.with { harness in
            let form = "grant_type=client_credentials&client_id=\(harness.sandbox.clientID)&client_secret=\(harness.sandbox.clientSecret)"
            let issued = try await harness.send(.POST, "/oauth2/token", body: form)
            let access = try #require(issued.json?["access_token"]?.stringValue)
            #expect(issued.json?["expires_in"] == 3600)
            #expect(try await harness.get(try TestSandbox.sampleID(1), token: access).status == 200)
        }
    }

    @Test func theTokenFormIsPercentDecodedAndAMalformedOneIsRefused() async throws {
        try await TestSandbox.with { harness in
            // Every byte of the secret percent-encoded, and a field the sandbox ignores.
            let secret = harness.sandbox.clientSecret.utf8.map { "%" + String($0, radix: 16, uppercase: true) }.joined()
            let form = "scope=https%3A%2F%2Fapi.partnercenter.microsoft.com%2F.default&grant_type=client_credentials"
                + "&client_id=\(harness.sandbox.clientID)&client_secret=\(secret)"
            let issued = try await harness.send(.POST, "/oauth2/token", body: form)
            #expect(issued.status == 200)
            #expect(issued.json?["access_token"]?.stringValue != nil)
            let noGrant = try await harness.send(.POST, "/oauth2/token", body: "client_id=x")
            #expect(noGrant.status == 400)
            #expect(noGrant.code == "unsupported_grant_type")
            let malformed = try await harness.send(.POST, "/oauth2/token", body: "grant_type=client_credentials&client_id=%zz")
            #expect(malformed.status == 400)
            #expect(malformed.code == "invalid_request")
        }
    }

    @Test func aRepeatedRequestIDGetsTheFirstAnswerAndAppliesOnce() async throws {
        try await TestSandbox.with { harness in
            let id = try TestSandbox.sampleID(8)  // one team member
            let body = #"[{"op":"add","path":"/team/-","value":{"firstName":"Jane","lastName":"Doe","email":"jane@contoso.example"}}]"#
            let first = try await harness.patch(id, body, headers: [("MS-RequestId", "req-1")])
            let second = try await harness.patch(id, body, headers: [("MS-RequestId", "req-1")])
            #expect(first.status == 204)
            #expect(second.status == 204)
            #expect(second.headers.first(name: "ETag") == first.headers.first(name: "ETag"))
            #expect(harness.sandbox.changeLog().count == 1)
            #expect(harness.referral(id)?["team"]?.arrayValue?.count == 2)
            #expect(try await harness.patch(id, body, headers: [("MS-RequestId", "req-2")]).status == 204)
            #expect(harness.sandbox.changeLog().map(\.requestID) == ["req-1", "req-2"])
        }
    }

    @Test func idsArePathSegmentsNeverPaths() async throws {
        try await TestSandbox.with { harness in
            let encodedSlashes = try await harness.get("a%2F..%2F_sandbox")
            let encodedDots = try await harness.get("%2E%2E")
            #expect(encodedSlashes.status == 404)
            #expect(encodedDots.status == 404)
        }
    }

    @Test func inspectionRoutesListReferralsAndChanges() async throws {
        try await TestSandbox.with { harness in
            let id = try TestSandbox.sampleID(7)
            _ = try await harness.patch(id, #"[{"op":"replace","path":"/name","value":"n"}]"#, headers: [("MS-RequestId", "r7")])
            let referrals = try await harness.send(.GET, "/_sandbox/referrals")
            #expect(referrals.json?["items"]?.arrayValue?.count == 60)
            let log = try await harness.send(.GET, "/_sandbox/log")
            let entry = try #require(log.json?["items"]?.arrayValue?.first)
            #expect(entry["referralId"]?.stringValue == id)
            #expect(entry["requestId"] == "r7")
            #expect(entry["operations"]?.arrayValue?.count == 1)
            #expect(entry["eTagBefore"] != entry["eTagAfter"])
        }
    }
}
