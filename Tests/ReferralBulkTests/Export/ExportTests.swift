import Foundation
import Testing

@testable import ReferralModel
@testable import ReferralInput
@testable import ReferralPlan
@testable import ReferralSend
@testable import ReferralRun

@Suite struct ExportTests {
    @Test func convenienceOptionsBecomeQuotedClausesAndTheGivenFilterStaysInItsParentheses() throws {
        var filter = ExportFilter()
        #expect(filter.odata == nil)
        filter.filter = "type eq 'Shared' or direction eq 'Incoming'"
        filter.status = .active
        filter.updatedSince = try UTCDateTime.parse("2026-03-01")
        filter.country = "DE"
        filter.teamEmail = "o'brien@contoso.com"
        #expect(
            filter.odata
                == "(type eq 'Shared' or direction eq 'Incoming') and status eq 'Active' and updatedDateTime ge 2026-03-01T00:00:00Z"
                + " and customerProfile/address/country eq 'DE' and team/any(t:t/email eq 'o''brien@contoso.com')")
        #expect(ExportFilter.quoted("' or 1 eq 1 or name eq '") == "''' or 1 eq 1 or name eq '''")
    }

    @Test func theListURLPercentEncodesTheFilter() {
        let url = ReferralRequest.listURL(endpoint: "https://api.example", filter: "name eq 'a&b'", orderBy: "createdDateTime asc", top: 200)
        #expect(url == "https://api.example/v1.0/engagements/referrals?$orderby=createdDateTime%20asc&$filter=name%20eq%20%27a%26b%27&$top=200")
    }

    @Test func columnsAreMatchedAsApplyMatchesHeadersAndMustIncludeTheID() throws {
        #expect(try ExportColumn.list(parsing: "referral id, estimated_deal_value,TEAM MEMBER 3,etag") == [.referralID, .dealValue, .teamMember(3), .eTag])
        #expect(throws: ExportError.self) { try ExportColumn.list(parsing: "Deal Name,eTag") }
        #expect(throws: ExportError.self) { try ExportColumn.list(parsing: "Referral ID,Deal Naem") }
        #expect(throws: ExportError.self) { try ExportColumn.list(parsing: "Referral ID,Team member 51") }
        #expect(throws: ExportError.self) { try ExportColumn.list(parsing: "Referral ID,Notes,notes") }
    }

    /// The promise of the layout: a row written by export and planned by apply asks for nothing new.
    @Test func anExportedRowPlansAsUnchangedAndCarriesItsETag() throws {
        let referral: JSONValue = [
            "id": "F3C95789-ACE1-4954-AC5D-6BAED2EAC902", "name": "Contoso, \"Big\" deal", "status": "Active", "substatus": "Accepted",
            "externalReferenceId": "=HYPERLINK(\"x\")", "eTag": "4cee5fdafb8d1e15",
            "details": [
                "dealValue": .number(Decimal(string: "1234567.5")!), "currency": "EUR", "closingDateTime": "2027-02-02T00:00:00Z",
                "notes": "line one\r\nline two; -3 and +4\n@mention",
            ],
            "team": [
                ["firstName": "Megan", "lastName": "Bowen", "phoneNumber": "0000000001", "email": "megan@contoso.com"],
                ["firstName": "Lee", "lastName": "Gu", "email": "lee@contoso.com"],
            ],
        ]
        let columns = ExportColumn.standard
        let writer = CSVWriter()
        let text = writer.row(columns.map(\.header)) + writer.row(columns.map { $0.cell(referral) })
        let row = String(decoding: writer.row(columns.map { $0.cell(referral) }), as: UTF8.self)
        #expect(row.contains("1234567.5,EUR,2027-02-02T00:00:00Z"))
        #expect(row.contains("\"Megan, Bowen, 0000000001, megan@contoso.com\",\"Lee, Gu, , lee@contoso.com\""))
        #expect(row.contains("'=HYPERLINK"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).csv").path
        try Data(text).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let planner = try InputFile.planner(path: path, options: ReadingOptions())
        let document = try #require(try planner.next())
        #expect(document.problems.isEmpty)
        #expect(document.ifMatch == "4cee5fdafb8d1e15")
        #expect(document.operations.count == 10)  // every cell with a value is read...
        #expect(Preflight.decide(document.operations, against: referral) == .unchanged)  // ...and asks for nothing new
        #expect(try planner.next() == nil)
    }

    @Test func anOutputFileGetsItsNameOnlyOnCommitAndDiscardLeavesNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.csv").path
        let kept = try ExportOutput.file(path)
        try kept.write(Array("a,b\r\n".utf8))
        #expect(!FileManager.default.fileExists(atPath: path))
        let temporary = try #require(kept.temporaryPath)
        #expect((try FileManager.default.attributesOfItem(atPath: temporary)[.posixPermissions] as? Int) == 0o600)
        try kept.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\r\n")
        let dropped = try ExportOutput.file(folder.appendingPathComponent("dropped.csv").path)
        try dropped.write(Array("x\r\n".utf8))
        dropped.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.csv"])
        #expect(throws: ExportError.self) { try ExportOutput.file(folder.appendingPathComponent("missing/out.csv").path) }
    }

    @Test func aNextLinkIsFollowedOnlyToTheEndpoint() throws {
        let endpoint = "https://api.partner.microsoft.com"
        #expect(try NextLink.resolve("/v1.0/engagements/referrals?$skiptoken=a", endpoint: endpoint) == endpoint + "/v1.0/engagements/referrals?$skiptoken=a")
        #expect(try NextLink.resolve(endpoint + "/v1.0/x", endpoint: endpoint) == endpoint + "/v1.0/x")
        #expect(throws: ExportError.self) { try NextLink.resolve("https://api.partner.microsoft.com.evil.example/v1.0/x", endpoint: endpoint) }
        #expect(throws: ExportError.self) { try NextLink.resolve("http://api.partner.microsoft.com/v1.0/x", endpoint: endpoint) }
    }

    @Test func anExportEndsWithOneSentenceThatSaysWhatWasWrittenOrWhyNot() {
        #expect(ExportRun.Result(rows: 1, pages: 1).sentence(output: nil) == "exported 1 referral in 1 page")
        #expect(ExportRun.Result(rows: 250, pages: 3).sentence(output: "deals.csv") == "exported 250 referrals in 3 pages to deals.csv")
        let refused = ExportError.refused(status: 400, message: "400 UnsupportedFilter")
        #expect(refused.sentence(output: "deals.csv") == "the API refused the export: 400 UnsupportedFilter; deals.csv was not written")
        let failing = ExportError.apiFailed("503 ServiceUnavailable")
        #expect(failing.sentence(output: nil) == "the API kept failing: 503 ServiceUnavailable; run the same command again")
        #expect(ExportError.credentialsRejected(.everyTokenRejected).sentence(output: nil).hasPrefix("credentials rejected: every token was rejected"))
    }
}
