import Foundation
import NIOHTTP1
import ReferralModel
import ReferralSandboxTesting
import Testing

@testable import ReferralSandbox

@Suite struct ListRoutesTests {
    /// Follows `@odata.nextLink` from `query` to the end (bounded), returning every page's IDs.
    private func pages(_ harness: TestSandbox, _ query: String, between: (Int) async throws -> Void = { _ in }) async throws -> [[String]] {
        var pages: [[String]] = []
        var next: String? = "/v1.0/engagements/referrals" + query
        while let link = next, pages.count < 100 {
            let path = link.hasPrefix("http") ? String(link.dropFirst(harness.sandbox.baseURL.count)) : link
            let reply = try await harness.send(.GET, path, token: harness.adminToken)
            #expect(reply.status == 200)
            pages.append((reply.json?["value"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
            next = reply.json?["@odata.nextLink"]?.stringValue
            try await between(pages.count)
        }
        return pages
    }

    private func encoded(_ filter: String) -> String {
        filter.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))!
    }

    @Test func pagesFollowTheCreationOrderAndCoverEveryReferralOnce() async throws {
        try await TestSandbox.with { harness in
            let pages = try await pages(harness, "?$top=7")
            #expect(pages.count == 9)
            #expect(pages.dropLast().allSatisfy { $0.count == 7 })
            let expected = harness.sandbox.referrals()
                .sorted { ($0["createdDateTime"]!.stringValue!, $0["id"]!.stringValue!) < ($1["createdDateTime"]!.stringValue!, $1["id"]!.stringValue!) }
                .map { $0["id"]!.stringValue! }
            #expect(pages.flatMap { $0 } == expected)
        }
    }

    @Test func theSkipTokenStaysValidWhileReferralsChange() async throws {
        try await TestSandbox.with { harness in
            let all = try await pages(harness, "?$top=10").flatMap { $0 }
            // Between pages, change referrals already listed and not yet listed.
            let changed = try await pages(harness, "?$top=10") { page in
                for id in [all[page * 10 - 1], all[min(59, page * 10 + 3)]] {
                    let reply = try await harness.patch(id, #"[{"op":"replace","path":"/details/notes","value":"edited"}]"#)
                    #expect(reply.status == 204 || reply.status == 400)  // Closed referrals refuse the change
                }
            }
            #expect(changed.flatMap { $0 } == all)
        }
    }

    @Test func filterAndOrderBySelectAndSort() async throws {
        try await TestSandbox.with { harness in
            let filter = encoded("status eq 'Active' and team/any(t:t/email eq 'RILEY.USER@fabrikam-partner.example')")
            let ids = try await pages(harness, "?$filter=\(filter)&$orderby=createdDateTime%20desc&$top=3").flatMap { $0 }
            let expected = harness.sandbox.referrals().filter { referral in
                referral["status"] == "Active"
                    && (referral["team"]?.arrayValue ?? []).contains { $0["email"] == "riley.user@fabrikam-partner.example" }
            }
            #expect(!expected.isEmpty)
            #expect(Set(ids) == Set(expected.map { $0["id"]!.stringValue! }))
            let created = ids.map { id in expected.first { $0["id"]?.stringValue == id }!["createdDateTime"]!.stringValue! }
            #expect(created == created.sorted(by: >))
        }
    }

    @Test func updatedSinceSeesOnlyWhatChanged() async throws {
        try await TestSandbox.with { harness in
            let id = try TestSandbox.sampleID(3)
            #expect(try await harness.patch(id, #"[{"op":"replace","path":"/details/notes","value":"now"}]"#).status == 204)
            let filter = encoded("updatedDateTime ge 2026-11-01T00:00:00Z")
            #expect(try await pages(harness, "?$filter=\(filter)&$orderby=updatedDateTime") == [[id]])
        }
    }

    @Test func aReferralUserListsOnlyTheReferralsWhoseTeamListsThem() async throws {
        try await TestSandbox.with { harness in
            let reply = try await harness.send(.GET, "/v1.0/engagements/referrals?$top=500", token: harness.sandbox.tokens[.referralUser]!)
            #expect(reply.status == 200)
            let listed = reply.json?["value"]?.arrayValue ?? []
            #expect(listed.count == 20)
            #expect(listed.allSatisfy { SandboxRoutes.may(.referralUser, update: $0) })
        }
    }

    @Test(arguments: [
        "$filter=" + "status%20eq%20Active", "$filter=contains(name,'x')", "$filter=password%20eq%20'x'",
        "$filter=(status%20eq%20'New'", "$orderby=name", "$top=0", "$top=-3", "$top=abc", "$skiptoken=not-a-token",
        "$filter=" + String(repeating: "(", count: 3000),
    ])
    func badOptionsAre400WithACodeAndADescription(_ query: String) async throws {
        try await TestSandbox.with { harness in
            let reply = try await harness.send(.GET, "/v1.0/engagements/referrals?" + query, token: harness.adminToken)
            #expect(reply.status == 400)
            #expect(reply.code == "InvalidFilter" || reply.code == "UnsupportedFilter" || reply.code == "InvalidQueryOption")
            #expect(reply.message?.isEmpty == false)
        }
    }

    @Test func aSkipTokenForAnotherOrderIsRefused() async throws {
        try await TestSandbox.with { harness in
            let first = try await harness.send(.GET, "/v1.0/engagements/referrals?$top=5", token: harness.adminToken)
            let link = try #require(first.json?["@odata.nextLink"]?.stringValue)
            let token = try #require(link.split(separator: "$skiptoken=").last)
            let other = try await harness.send(
                .GET, "/v1.0/engagements/referrals?$orderby=updatedDateTime&$skiptoken=\(token)", token: harness.adminToken)
            #expect(other.status == 400)
            #expect(other.code == "InvalidQueryOption")
        }
    }

    @Test func topIsCappedAtThePageSize() async throws {
        try await TestSandbox.with(referrals: SeedReferrals.generate(count: 700, seed: 3)) { harness in
            let pages = try await pages(harness, "?$top=100000")
            #expect(pages.map(\.count) == [ListQuery.maximumPageSize, 700 - ListQuery.maximumPageSize])
            #expect(Set(pages.joined()).count == 700)
        }
    }

    @Test func listingNeedsAToken() async throws {
        try await TestSandbox.with { harness in
            let reply = try await harness.send(.GET, "/v1.0/engagements/referrals")
            #expect(reply.status == 401)
        }
    }
}
