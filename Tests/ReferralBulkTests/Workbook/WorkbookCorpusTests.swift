import Foundation
import SystemPackage
import Testing

@testable import ReferralInput
@testable import ReferralModel
@testable import ReferralPlan

/// Workbooks nobody here wrote (openpyxl, xlsxwriter, LibreOffice; see
/// `Fixtures/workbooks/make-workbooks.py`) plan exactly as their CSV twins.
@Suite struct WorkbookCorpusTests {
    struct Planned {
        var documents: [PatchDocument] = []
        var warnings: [String] = []
        var problems: [InputProblem] { documents.flatMap(\.problems) }
        /// What is sent, without where it came from (a twin's lines differ where a CSV cell holds a line break).
        var sent: [String] { documents.filter(\.isValid).map { "\($0.referralID) \($0.ifMatch ?? "-") \($0.operations)" } }
    }

    static func plan(_ path: String, _ options: ReadingOptions = ReadingOptions()) throws -> Planned {
        let planner = try InputFile.planner(path: path, options: options)
        var planned = Planned(warnings: planner.columns.warnings)
        while let document = try planner.next() { planned.documents.append(document) }
        return planned
    }

    static func workbook(_ name: String) -> String { Fixtures.url("workbooks/\(name)").path }

    @Test(arguments: ["openpyxl.xlsx", "openpyxl-1904.xlsx", "xlsxwriter.xlsx", "libreoffice.xlsx", "libreoffice.ods"])
    func everyWorkbookPlansExactlyAsItsTwin(file: String) throws {
        let twin = try Self.plan(Self.workbook("typed.csv"))
        let planned = try Self.plan(Self.workbook(file))
        #expect(twin.sent.count == 5)
        #expect(planned.sent == twin.sent)
        #expect(planned.problems.isEmpty)
        #expect(planned.documents.map(\.lines.lowerBound) == [2, 3, 4, 6, 7])  // sheet rows: the blank row 5 is skipped
    }

    @Test func typedCellsAreReadAsTheWorkbookMeansThem() throws {
        let planned = try Self.plan(Self.workbook("openpyxl.xlsx"))
        let operations = planned.documents.map { Dictionary(uniqueKeysWithValues: $0.operations.map { ($0.path.description, $0.value) }) }
        #expect(operations[0]["/details/dealValue"] == .number(Decimal(string: "12919.5")!))
        #expect(operations[0]["/details/closingDateTime"] == .string("2027-05-01T00:00:00Z"))  // custom dd.mm.yyyy
        #expect(operations[0]["/details/notes"] == .string("Jürgen sagt \"ja\"; neu 🎉"))
        #expect(operations[1]["/details/dealValue"] == .number(Decimal(string: "1234.56")!))  // stored 1234.5599999999999
        #expect(operations[1]["/details/closingDateTime"] == .string("2027-05-31T10:30:00Z"))
        #expect(operations[1]["/name"] == .string("00123"))  // text that looks like a number stays text
        #expect(operations[1]["/details/notes"] == .string("Zeile 1\nZeile 2"))
        #expect(operations[2]["/name"] == .string("+49 30 1234"))
        #expect(operations[2]["/details/notes"] == .string("=SUM(A1) is text"))
        #expect(operations[3]["/name"] == .string("Fabrikam Bold"))  // rich-text runs joined
        #expect(operations[4]["/name"] == .string("spaced"))  // the CSV value rules then apply unchanged (names are trimmed)
    }

    /// The LibreOffice-saved workbooks of the CSV corpus (issue 10) plan as
    /// that corpus's CSV read with its locale, and need no locale themselves.
    @Test(arguments: ["workbook-en-US.xlsx", "workbook-en-US.ods"])
    func theSpreadsheetCorpusWorkbooksPlanAsTheirCSV(file: String) throws {
        var enUS = ReadingOptions()
        enUS.adopt(SpreadsheetLocale.named("en-US")!)
        let twin = try Self.plan(Fixtures.url("spreadsheets/en-US-utf8-grouped.csv").path, enUS)
        let planned = try Self.plan(Fixtures.url("spreadsheets/\(file)").path)
        #expect(twin.sent.count == 10)
        #expect(planned.sent == twin.sent)
        #expect(planned.warnings.isEmpty)
        let withLocale = try Self.plan(Fixtures.url("spreadsheets/\(file)").path, enUS)
        #expect(withLocale.sent == twin.sent)
        #expect(withLocale.warnings.contains { $0.contains("not needed for a workbook") })
    }

    /// Saved by LibreOffice under de-DE from a German CSV: number and date
    /// cells with German formats, which plan as the CSV read with its locale.
    @Test(arguments: ["de-DE-libreoffice.xlsx", "de-DE-libreoffice.ods"])
    func theGermanLibreOfficeWorkbooksPlanAsTheirCSV(file: String) throws {
        var deDE = ReadingOptions()
        deDE.adopt(SpreadsheetLocale.named("de-DE")!)
        let twin = try Self.plan(Self.workbook("de-DE.csv"), deDE)
        let planned = try Self.plan(Self.workbook(file))
        #expect(twin.sent.count == 4)
        #expect(twin.problems.isEmpty)
        #expect(planned.sent == twin.sent)
        #expect(planned.problems.isEmpty)
        #expect(planned.warnings.isEmpty)
        let values = planned.documents.map { Dictionary(uniqueKeysWithValues: $0.operations.map { ($0.path.description, $0.value) }) }
        #expect(values[2]["/details/dealValue"] == .number(Decimal(string: "1234567.89")!))  // typed 1.234.567,89
        #expect(values[1]["/details/closingDateTime"] == .string("2027-05-31T00:00:00Z"))  // typed 31.05.2027
    }

    @Test(arguments: ["layout.xlsx", "layout.ods"])
    func severalSheetsAreRefusedListingThemWithHiddenOnesMarked(file: String) throws {
        #expect(throws: InputFile.OpenError.file(.workbook(.severalSheets([
            WorkbookSheet(name: "Corrections"), WorkbookSheet(name: "Notes"), WorkbookSheet(name: "Lookup", isHidden: true),
        ])))) { try Self.plan(Self.workbook(file)) }
        let error = "\(InputFile.OpenError.file(.workbook(.severalSheets([WorkbookSheet(name: "A"), WorkbookSheet(name: "B", isHidden: true)]))))"
        #expect(error == "the workbook has 2 sheets: \"A\", \"B\" (hidden); name the one to read with --sheet NAME.")
        #expect(throws: InputFile.OpenError.self) { try Self.plan(Self.workbook(file), ReadingOptions(sheet: "Nope")) }
    }

    @Test(arguments: ["layout.xlsx", "layout.ods"])
    func aMergedTitleIsPointedOutAndHeaderLineCountsSheetRows(file: String) throws {
        do {
            _ = try Self.plan(Self.workbook(file), ReadingOptions(sheet: "Corrections"))
            Issue.record("a title row read as the header")
        } catch {
            #expect("\(error)".contains("\"Q3 corrections"))
            #expect("\(error)".contains("pass --header-line 3"))
        }
        let planned = try Self.plan(Self.workbook(file), ReadingOptions(headerLine: 3, sheet: "Corrections"))
        #expect(planned.documents.first?.lines.lowerBound == 4)
        #expect(planned.documents.first?.referralID == "0747e25c-18a7-5133-a842-8fff1d14cc94")
        // Hidden rows and columns are read, and a warning says so.
        #expect(planned.documents.contains { $0.referralID == "5b79db10-7e74-58fb-9156-a3fbd5f77f71" && $0.isValid })
        #expect(planned.warnings.contains { $0.contains("1 hidden row(s) of sheet \"Corrections\" are read as well") })
        #expect(planned.warnings.contains { $0.contains("\"Notes\" (F)") })
    }

    @Test func booleansErrorsAndFormulasWithoutValuesAreProblemsNamingTheCell() throws {
        let planned = try Self.plan(Self.workbook("layout.xlsx"), ReadingOptions(headerLine: 3, sheet: "Corrections"))
        let problems = planned.problems.map(\.description)
        #expect(problems.contains { $0.hasPrefix("line 6, column \"Deal Name\" (B), value \"TRUE\": Corrections!B6 is a TRUE/FALSE cell") })
        #expect(problems.contains { $0.hasPrefix("line 6, column \"Estimated Deal Value\" (C), value \"#DIV/0!\": Corrections!C6 holds the formula error #DIV/0!") })
        #expect(problems.contains { $0.contains("Corrections!C7 is a formula saved without its value") && $0.contains("open the file in a spreadsheet program") })
        // One problem a cell: the error is not also "not a number".
        #expect(planned.problems.filter { $0.line == 6 && $0.column == "Estimated Deal Value" }.count == 1)
    }

    @Test func libreOfficeSavesTheFormulaValueThatOpenpyxlLeftOut() throws {
        let planned = try Self.plan(Self.workbook("layout.ods"), ReadingOptions(headerLine: 3, sheet: "Corrections"))
        let formula = try #require(planned.documents.first { $0.lines.lowerBound == 7 })
        #expect(formula.isValid)
        #expect(formula.operations.contains { $0.path.description == "/details/dealValue" && $0.value == .number(25839) })
    }

    @Test func aCSVNamedLikeAWorkbookIsReadAsCSVWithAWarning() throws {
        let text = try String(contentsOf: Fixtures.url("workbooks/typed.csv"), encoding: .utf8)
        let path = try Fixtures.temporaryFile(text, name: "deals.xlsx")
        let planned = try Self.plan(path)
        let twin = try Self.plan(Self.workbook("typed.csv"))
        #expect(planned.sent == twin.sent)
        #expect(planned.warnings.contains { $0.contains("deals.xlsx is named like a workbook (.xlsx) but holds CSV text") })
    }

    @Test func aWorkbookFromStandardInputsCopyIsReadAsTheFile() throws {
        // A spooled copy (what standard input becomes) has no path: the archive is opened through its descriptor.
        let bytes = try Data(contentsOf: Fixtures.url("workbooks/xlsxwriter.xlsx"))
        let copy = try InputHandle.temporaryFile()
        _ = try bytes.withUnsafeBytes { try copy.writeAll($0) }
        let handle = InputHandle(temporary: copy, name: "standard input")
        let planner = try InputFile.planner(handle: handle, options: ReadingOptions())
        var sent = 0
        while let document = try planner.next() { if document.isValid { sent += 1 } }
        #expect(sent == 5)
    }
}
