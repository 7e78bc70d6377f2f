import Foundation
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend

/// Plans every document of a CSV text.
func planAll(_ text: String, ignoreUnknownColumns: Bool = false) throws -> [PatchDocument] {
    try planAll(text, options: ReadingOptions(ignoreUnknownColumns: ignoreUnknownColumns))
}

/// Plans every document of a CSV text read with `options`.
func planAll(_ text: String, options: ReadingOptions) throws -> [PatchDocument] {
    let planner = try InputFile.planner(path: Fixtures.temporaryFile(text), options: options)
    var documents: [PatchDocument] = []
    while let document = try planner.next() { documents.append(document) }
    return documents
}

func headerError(_ text: String) -> HeaderError? {
    do {
        _ = try planAll(text)
    } catch let error as InputFile.OpenError {
        if case .header(let headerError) = error { return headerError }
    } catch {}
    return nil
}

@Suite struct PlannerTests {
    let id1 = "f3c95789-ace1-4954-ac5d-6baed2eac902"
    let id2 = "cbf27734-ac10-4525-8b66-402800e03d2c"

    @Test func everyFriendlyNameAndAliasMapsToItsPath() throws {
        let columns: [(String, String, String, JSONValue)] = [
            ("dealValue", "/details/dealValue", "10000.50", .number(Decimal(string: "10000.50")!)),
            ("Estimated Deal Value", "/details/dealValue", "7", 7),
            ("currency", "/details/currency", "eur", "EUR"),
            ("Currency", "/details/currency", "usd", "USD"),
            ("closingDateTime", "/details/closingDateTime", "2027-01-02T03:04:05+01:00", "2027-01-02T02:04:05Z"),
            ("closingDate", "/details/closingDateTime", "2027-01-02", "2027-01-02T00:00:00Z"),
            ("Estimated Closing Date", "/details/closingDateTime", "3/31/2027", "2027-03-31T00:00:00Z"),
            ("notes", "/details/notes", "  spaced  ", "  spaced  "),
            ("Notes", "/details/notes", "x", "x"),
            ("status", "/status", "aCtIvE", "Active"),
            ("Partner Referral Status", "/status", "new", "New"),
            ("substatus", "/substatus", "WON", "Won"),
            ("Partner Referral Substatus", "/substatus", "received", "Received"),
            ("statusReason", "/statusReason", " Lost to competitor ", "Lost to competitor"),
            ("name", "/name", "Deal", "Deal"),
            ("Deal Name", "/name", "Deal", "Deal"),
            ("externalReferenceId", "/externalReferenceId", "CRM-1", "CRM-1"),
            ("CRM ID", "/externalReferenceId", "CRM-2", "CRM-2"),
            ("/details/requirements", "/details/requirements", "{\"a\":1}", ["a": 1]),
            ("/details/custom", "/details/custom", "plain text", "plain text"),
        ]
        for (header, path, cell, expected) in columns {
            let documents = try planAll("Referral ID,\(header)\n\(id1),\"\(cell.replacingOccurrences(of: "\"", with: "\"\""))\"\n")
            #expect(documents.count == 1)
            #expect(documents[0].problems == [], "\(header)")
            #expect(documents[0].operations == [PatchOperation(.replace, try JSONPointer(parsing: path), expected)], "\(header)")
        }
    }

    @Test func headersMatchIgnoringCaseAndSpaces() throws {
        let documents = try planAll("REFERRAL id, DEAL value ,estimated_closing-date\n\(id1),5,1/2/2027\n")
        #expect(documents[0].operations.map(\.path.description) == ["/details/dealValue", "/details/closingDateTime"])
    }

    @Test func emptyCellMeansNoChange() throws {
        let documents = try planAll("id,dealValue,notes,status\n\(id1),,  ,\n\(id2),5,,\n")
        #expect(documents[0].operations.isEmpty)
        #expect(documents[0].isValid)
        #expect(documents[1].operations.count == 1)
    }

    @Test func teamMemberCellsAddToTheTeam() throws {
        let text = "id,Team member 1,Team member 2,addTeamMember\n\(id1),\"Jane, Doe, 0001, jane@contoso.example\",\"Sam, Lee, , sam@contoso.example\",\n"
        let documents = try planAll(text)
        #expect(documents[0].operations.count == 2)
        #expect(documents[0].operations.allSatisfy { $0.op == .add && $0.path.description == "/team/-" })
        #expect(documents[0].operations[0].value == ["firstName": "Jane", "lastName": "Doe", "phoneNumber": "0001", "email": "jane@contoso.example"])
        #expect(documents[0].operations[1].value == ["firstName": "Sam", "lastName": "Lee", "email": "sam@contoso.example"])
        let bad = try planAll("id,Team member 1\n\(id1),\"Jane, Doe, 0001, not-an-email\"\n")
        #expect(bad[0].problems.first?.reason.contains("not an e-mail") == true)
    }

    @Test func pointerHeadersAddAndReplace() throws {
        let documents = try planAll("id,add:/team/-,/details/a~1b,replace:/details/x~0y\n\(id1),\"{\"\"email\"\":\"\"a@b.example\"\"}\",1,true\n")
        #expect(documents[0].operations == [
            PatchOperation(.add, JSONPointer(tokens: ["team", "-"]), ["email": "a@b.example"]),
            PatchOperation(.replace, JSONPointer(tokens: ["details", "a/b"]), 1),
            PatchOperation(.replace, JSONPointer(tokens: ["details", "x~y"]), true),
        ])
        #expect(String(decoding: documents[0].planLine(), as: UTF8.self).contains(#""path":"/details/a~1b""#))
    }

    @Test func pointerHeadersAreValidated() {
        let invalid = headerError("id,/details/a~2\nx,1\n")
        #expect(invalid == .invalidPointer(header: "/details/a~2", reason: #"JSON Pointer "/details/a~2" has a "~" not followed by 0 or 1"#))
        let readOnly = headerError("id,/eTag\nx,1\n")
        #expect(readOnly == .readOnlyPointer(header: "/eTag"))
    }

    @Test func longLayoutReadsOneChangePerRow() throws {
        let text = #"""
            id,op,path,value
            \#(id1),replace,/details/dealValue,48000
            \#(id1),add,/team/-,"{""firstName"":""Sam"",""lastName"":""Lee"",""email"":""sam@contoso.example""}"
            \#(id2),replace,/details/notes,"""quoted"""
            \#(id2),remove,/details/notes,x
            \#(id2),replace,/details/dealValue,"1,5"

            """#
        let documents = try planAll(text)
        #expect(documents.count == 2)
        #expect(documents[0].operations.map(\.op) == [.replace, .add])
        #expect(documents[0].operations[0].value == 48000)
        #expect(documents[0].lines == 2...3)
        #expect(documents[1].problems.map(\.reason) == ["operation not supported", "this number needs its convention named: 1.5 with a decimal comma"])
        #expect(documents[1].operations.first?.value == "quoted")
    }

    @Test func adjacentRowsMergeAndLaterRowsStartANewDocument() throws {
        let text = "id,dealValue,notes\n\(id1),1,\n\(id1),,n\n\(id2),2,\n\(id1),3,\n"
        let documents = try planAll(text)
        #expect(documents.map(\.referralID) == [id1, id2, id1])
        #expect(documents.map(\.lines) == [2...3, 4...4, 5...5])
        #expect(documents.map(\.sequence) == [0, 1, 2])
        #expect(documents[0].operations.map(\.path.description) == ["/details/dealValue", "/details/notes"])
        #expect(documents[0].sourceRows == [[id1, "1", ""], [id1, "", "n"]])
    }

    @Test func eTagColumnsBecomeIfMatch() throws {
        let documents = try planAll("id,eTag,dealValue\n\(id1),\"abc\",1\n\(id2),,2\n")
        #expect(documents[0].ifMatch == "abc")
        #expect(documents[1].ifMatch == nil)
        let conflicting = try planAll("id,If-Match,dealValue\n\(id1),a,1\n\(id1),b,2\n")
        #expect(conflicting[0].isValid == false)
    }

    @Test func valueChecksRejectWhatIsAmbiguousOrWrong() throws {
        let cases: [(String, String, String)] = [
            ("dealValue", "1,000.50", "this number needs its convention named: 1000.50 with a decimal point"),
            ("dealValue", "1.000,50", "this number needs its convention named: 1000.50 with a decimal comma"),
            ("dealValue", "12.919", "ambiguous number: 12.919 with a decimal point, or 12919 with a decimal comma"),
            ("dealValue", "1e309", "not a plain decimal number"),
            ("dealValue", "NaN", "not a plain decimal number"),
            ("dealValue", "-0", "a deal value cannot be negative"),
            ("dealValue", "+1", "not a plain decimal number"),
            ("currency", "US", "a currency is three letters"),
            ("currency", "ABC", "not an ISO 4217 currency code"),
            ("closingDate", "2/30/2025", "there is no day 30 in month 2 of 2025"),
            ("closingDate", "13/1/2025", "this date can only be read day-first (13 January 2025 read day-first), and slash dates are month-first unless an option says otherwise"),
            ("closingDate", "5/1/25", "the year \"25\" has two digits, which could be any century"),
            ("closingDate", "2025-01-01T10:00:00", "a time needs a time zone"),
            ("closingDate", "tomorrow", "not a date"),
            ("status", "Open", "unknown status"),
            ("substatus", "Done", "unknown substatus"),
        ]
        for (column, cell, reason) in cases {
            let documents = try planAll("id,\(column)\n\(id1),\"\(cell)\"\n")
            #expect(documents[0].problems.map(\.reason) == [reason], "\(column)=\(cell)")
            #expect(documents[0].problems.first?.line == 2)
            #expect(documents[0].problems.first?.column == column)
            #expect(documents[0].problems.first?.value == cell)
        }
        let leapDay = try planAll("id,closingDate\n\(id1),2/29/2028\n")
        #expect(leapDay[0].isValid)
    }

    @Test func statusAndSubstatusMustFormAnAllowedPair() throws {
        let documents = try planAll("id,status,substatus\n\(id1),Closed,Pending\n\(id2),closed,won\n")
        #expect(documents[0].problems.first?.reason.contains("not allowed with status Closed") == true)
        #expect(documents[1].isValid)
        #expect(documents[1].operations.map(\.value) == ["Closed", "Won"])
    }

    /// A Mac's "CSV (Macintosh)" (lines ending in a carriage return alone)
    /// planned 0 rows with "no problems" before: every row is planned, with
    /// the line it is on, across the reader's batches.
    @Test func aFileWhoseLinesEndInCarriageReturnsPlansEveryRow() throws {
        let rows = (1...3_000).map { String(format: "%08x-0001-4001-8007-000000000001,%d.50", $0, $0) }
        let documents = try planAll((["id,dealValue"] + rows).joined(separator: "\r") + "\r")
        #expect(documents.count == 3_000)
        #expect(documents.allSatisfy { $0.isValid })
        #expect(documents.last?.lines == 3_001...3_001)
        #expect(documents.last?.operations.first?.value == .number(Decimal(string: "3000.50")!))
    }

    @Test func badRowsAreReportedAndTheOthersGoOn() throws {
        let documents = try planAll("id,dealValue\n\(id1),x\n,5\n\(id2),\"bad\"quote\"\n\(id2),7\n../x,1\n")
        #expect(documents.count == 5)
        #expect(documents.map(\.isValid) == [false, false, false, true, false])
        #expect(documents[1].problems.first?.reason == "the referral ID is missing")
        #expect(documents[2].lines == 4...4)
        #expect(documents[4].problems.first?.reason == "the referral ID contains \"/\"")
    }

    @Test func idsThatCouldChangeTheRequestPathAreRefused() {
        for id in ["a/b", "..", ".", "a b", "a\u{01}b", "a?b", "a#b", "a%2Fb", "a\\b"] {
            #expect(throws: ValueError.self, "\(id)") { try ReferralID.validate(id) }
        }
        #expect(throws: ValueError.referralIDContains("/")) { try ReferralID.validate("a/b") }
        #expect(ValueError.referralIDContains("\u{01}").reason == "the referral ID contains a control character")
        #expect((try? ReferralID.validate(" \(id1) ")) == id1)
    }

    @Test func exportReadOnlyColumnsAreIgnoredWithOneWarning() throws {
        let planner = try InputFile.planner(path: Fixtures.repository.appendingPathComponent("samples/partner-center-export.csv").path)
        #expect(planner.columns.warnings.first == #"ignoring columns that carry no change: "Engagement ID", "Microsoft Referral Status", "Errors""#)
        // Its dates are M/D/YYYY, some with a day of 12 or less: the default reading is said out loud.
        #expect(planner.columns.warnings.dropFirst().first?.hasPrefix("3 date(s) of column \"Estimated Closing Date\" are read month-first") == true)
        var documents: [PatchDocument] = []
        while let document = try planner.next() { documents.append(document) }
        #expect(documents.count == 10)
        let invalid = documents.filter { !$0.isValid }
        let addingTeamMembers = documents.filter { $0.operations.contains { $0.op == .add } }
        #expect(invalid.isEmpty)
        #expect(addingTeamMembers.count == 2)
    }

    @Test func headerProblemsRefuseTheFile() {
        #expect(headerError("dealValue\n1\n") == .noIDColumn(header: ["dealValue"], likelyHeaderLine: nil))
        #expect(headerError("id,dealvalue,Estimated Deal Value\nx,1,2\n") == .duplicateColumn(first: "dealvalue", second: "Estimated Deal Value"))
        #expect(headerError("id,notes,NOTES\nx,1,2\n") == .duplicateColumn(first: "notes", second: "NOTES"))
        #expect(headerError("id,Referral ID,notes\nx,1,2\n") == .duplicateColumn(first: "id", second: "Referral ID"))
        #expect(headerError("id,dealVlaue\nx,1\n") == .unknownColumn("dealVlaue", suggestion: "dealValue"))
        #expect(headerError("id,zzzzzzzz\nx,1\n") == .unknownColumn("zzzzzzzz", suggestion: nil))
        #expect(headerError("id,Engagement ID\nx,1\n") == .nothingToChange)
        #expect(headerError("id,op,path\nx,1,2\n") == .incompleteLongLayout(missing: ["value"]))
    }

    @Test func unknownColumnsCanBeIgnored() throws {
        let documents = try planAll("id,dealValue,Sales Rep\n\(id1),1,Alex\n", ignoreUnknownColumns: true)
        #expect(documents[0].operations.count == 1)
    }

    @Test func extraCellsAreAProblemOnlyWhenFilled() throws {
        let documents = try planAll("id,dealValue\n\(id1),1,\n\(id2),2,oops\n")
        #expect(documents[0].isValid)
        #expect(documents[1].problems.first?.reason == "the row has 3 cells but the header names 2")
    }

    @Test func invalidUTF8RefusesTheWholeFileBeforeAnyRowIsPlanned() throws {
        let bytes = Array("id,notes\n\(id2),ok\n\(id1),caf".utf8) + [0xE9] + Array("\n".utf8)
        let error = #expect(throws: InputFile.OpenError.self) { try InputFile.planner(path: Fixtures.temporaryFile(bytes)) }
        #expect(error?.description.hasPrefix("line 3 is not valid UTF-8, so nothing was sent") == true)
    }
}

@Suite struct UTCDateTimeTests {
    @Test func convertsOffsetsAndFractionsToUTC() throws {
        #expect(try UTCDateTime.parse("2026-12-31T23:30:00-01:00").description == "2027-01-01T00:30:00Z")
        #expect(try UTCDateTime.parse("2026-03-31T17:00:00.123Z").description == "2026-03-31T17:00:00Z")
        #expect(try UTCDateTime.parse("1/2/1970").description == "1970-01-02T00:00:00Z")
        #expect(try UTCDateTime.parse("1900-03-01").description == "1900-03-01T00:00:00Z")
        #expect(try UTCDateTime.parse("2000-02-29").description == "2000-02-29T00:00:00Z")
        #expect(throws: ValueError.self) { try UTCDateTime.parse("1900-02-29") }
        #expect(throws: ValueError.self) { try UTCDateTime.parse("2026-01-01T24:00:00Z") }
    }
}
