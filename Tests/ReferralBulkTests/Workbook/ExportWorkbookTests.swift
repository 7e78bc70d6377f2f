import Foundation
import Testing

@testable import ReferralInput
@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralRun

/// Workbooks the tool writes, opened by what nobody here wrote (openpyxl,
/// LibreOffice headless), and read back by the tool itself.
@Suite struct ExportWorkbookTests {
    static let referral: JSONValue = [
        "id": "F3C95789-ACE1-4954-AC5D-6BAED2EAC902", "name": "Contoso, \"Big\" deal & <co>", "status": "Active", "substatus": "Accepted",
        "externalReferenceId": "=HYPERLINK(\"x\")", "eTag": "4cee5fdafb8d1e15",
        "details": [
            "dealValue": .number(Decimal(string: "1234567.5")!), "currency": "EUR", "closingDateTime": "2027-02-02T00:00:00Z",
            "notes": "line one\nline two_x0041_ 🎉",
        ],
        "team": [["firstName": "Megan", "lastName": "Bowen", "phoneNumber": "0000000001", "email": "megan@contoso.com"]],
    ]
    static let second: JSONValue = [
        "id": "0747e25c-18a7-5133-a842-8fff1d14cc94", "name": "Second", "status": "New", "substatus": "Received",
        "details": ["dealValue": .number(12919), "currency": "USD", "closingDateTime": "2027-05-01T10:30:00Z"],
    ]

    /// Writes the two referrals as `export -o x.xlsx` does, and returns the file.
    static func exported() throws -> String {
        let columns = ExportColumn.standard
        let writer = try XLSXSheetWriter(sheetName: "Referrals", header: columns.map(\.header))
        for referral in [referral, second] { try writer.append(columns.map { $0.sheetCell(referral) }) }
        let archive = try writer.finish()
        var bytes: [UInt8] = []
        while case let chunk = try archive.read(), !chunk.isEmpty { bytes += chunk }
        return try Fixtures.temporaryFile(bytes, name: "deals.xlsx")
    }

    static func plan(_ path: String) throws -> [PatchDocument] {
        let planner = try InputFile.planner(path: path)
        var documents: [PatchDocument] = []
        while let document = try planner.next() { documents.append(document) }
        return documents
    }

    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(arguments)")
        return String(decoding: output, as: UTF8.self)
    }

    /// The CSV export's row and the workbook export's row plan alike: an
    /// exported workbook applied unedited asks for nothing new.
    @Test func anExportedWorkbookPlansAsTheCSVExport() throws {
        let columns = ExportColumn.standard
        let csv = CSVWriter()
        var text = csv.row(columns.map(\.header))
        for referral in [Self.referral, Self.second] { text += csv.row(columns.map { $0.cell(referral) }) }
        let fromCSV = try Self.plan(try Fixtures.temporaryFile(text))
        let fromWorkbook = try Self.plan(try Self.exported())
        #expect(fromWorkbook.count == 2)
        #expect(fromWorkbook.allSatisfy { $0.isValid })
        #expect(fromWorkbook.map(\.operations) == fromCSV.map(\.operations))
        #expect(fromWorkbook.map(\.ifMatch) == ["4cee5fdafb8d1e15", nil])
    }

    @Test func openpyxlReadsTypedCellsABoldFrozenHeaderAndFittedWidths() throws {
        let script = """
            import json, sys, openpyxl
            ws = openpyxl.load_workbook(sys.argv[1]).active
            row = {ws.cell(1, c).value: ws.cell(2, c).value for c in range(1, ws.max_column + 1)}
            print(json.dumps({
                "title": ws.title, "freeze": ws.freeze_panes, "bold": ws["A1"].font.b, "rows": ws.max_row,
                "value": [type(row["Estimated Deal Value"]).__name__, row["Estimated Deal Value"]],
                "date": [type(row["Estimated Closing Date"]).__name__, str(row["Estimated Closing Date"]), ws["G2"].number_format],
                "datetime": str(ws["G3"].value),
                "crm": [ws["H2"].data_type, row["CRM ID"]], "notes": row["Notes"], "name": row["Deal Name"],
                "widthA": ws.column_dimensions["A"].width}))
            """
        let output = try Self.run(["python3", "-c", script, try Self.exported()])
        let json = try JSONParser.parse(output)
        #expect(json["title"] == "Referrals")
        #expect(json["freeze"] == "A2")
        #expect(json["bold"] == .bool(true))
        #expect(json["rows"] == .number(3))
        #expect(json["value"] == ["float", .number(Decimal(string: "1234567.5")!)])
        #expect(json["date"] == ["datetime", "2027-02-02 00:00:00", "yyyy\\-mm\\-dd"])
        #expect(json["datetime"] == "2027-05-01 10:30:00")
        #expect(json["crm"] == ["s", "=HYPERLINK(\"x\")"])  // text, never a formula
        // openpyxl hands out text as stored, without decoding ECMA-376's `_xHHHH_` escapes: the
        // `_x005F_` that keeps a literal "_x0041_" from reading as "A" shows (LibreOffice decodes it: below).
        #expect(json["notes"] == "line one\nline two_x005F_x0041_ 🎉")
        #expect(json["name"] == "Contoso, \"Big\" deal & <co>")
        #expect(json["widthA"] == .number(38))
    }

    @Test func libreOfficeOpensTheWorkbookWithTheSameValues() throws {
        let exported = try Self.exported()
        let folder = (exported as NSString).deletingLastPathComponent
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("lo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: profile) }
        _ = try Self.run([
            "soffice", "-env:UserInstallation=file://\(profile)", "--headless", "--convert-to", "ods", "--outdir", folder, exported,
        ])
        let resaved = try Self.plan(folder + "/deals.ods")
        let original = try Self.plan(exported)
        #expect(resaved.map(\.operations) == original.map(\.operations))
    }

    /// export → edit in openpyxl → re-save in LibreOffice → plan: exactly the edited changes.
    @Test func theRoundTripAsksExactlyTheEditedChanges() throws {
        let exported = try Self.exported()
        let folder = (exported as NSString).deletingLastPathComponent
        let edited = folder + "/edited.xlsx"
        _ = try Self.run([
            "python3", "-c",
            """
            import sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1]); ws = wb.active
            ws["E2"].value = 1234.5
            ws["I3"].value = "=new note, as text"; ws["I3"].data_type = "s"
            wb.save(sys.argv[2])
            """, exported, edited,
        ])
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("lo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let out = folder + "/resaved"
        _ = try Self.run(["soffice", "-env:UserInstallation=file://\(profile)", "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out, edited])
        let before = try Self.plan(exported)
        let after = try Self.plan(out + "/edited.xlsx")
        var changed: [String] = []
        for (old, new) in zip(before, after) {
            for operation in new.operations where !old.operations.contains(operation) { changed.append("\(new.referralID) \(operation.path) \(JSONWriter.string(operation.value))") }
            #expect(old.operations.allSatisfy { operation in new.operations.contains { $0.path == operation.path } })
        }
        #expect(changed == [
            "f3c95789-ace1-4954-ac5d-6baed2eac902 /details/dealValue 1234.5",
            "0747e25c-18a7-5133-a842-8fff1d14cc94 /details/notes \"=new note, as text\"",
        ])
    }
}
