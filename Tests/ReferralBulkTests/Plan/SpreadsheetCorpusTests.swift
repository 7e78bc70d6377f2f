import Foundation
import ReferralInput
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend

/// Files saved by LibreOffice in en-US, en-GB, de-DE and fr-FR (see
/// `Fixtures/spreadsheets/README.md`), each with the truth of what its
/// cells held. Every file's outcome is pinned: read correctly with the
/// stated options, or refused with the stated message; and under no
/// options at all, or the file's own locale, a value is never read as
/// anything but what the spreadsheet showed.
@Suite struct SpreadsheetCorpusTests {
    struct Entry: Decodable {
        struct Row: Decodable {
            var line: Int
            var id: String
            var name: String?
            var dealValue: String?
            var currency: String?
            var closingDate: String?
            var notes: String?
        }
        var file: String
        var locale: String?
        var rows: [Row]
    }

    static let entries: [String: Entry] = {
        let data = try! Data(contentsOf: Fixtures.url("spreadsheets/manifest.json"))
        let list = try! JSONDecoder().decode([Entry].self, from: data)
        return Dictionary(uniqueKeysWithValues: list.map { ($0.file, $0) })
    }()

    /// What planning a file with some options gave.
    struct Planned {
        var valid: [PatchDocument] = []
        var invalid: [PatchDocument] = []
        var warnings: [String] = []
        var problems: [InputProblem] { invalid.flatMap(\.problems) }
    }

    static func plan(_ file: String, _ options: ReadingOptions = ReadingOptions()) throws -> Planned {
        let planner = try InputFile.planner(path: Fixtures.url("spreadsheets/\(file)").path, options: options)
        var planned = Planned(warnings: planner.columns.warnings)
        while let document = try planner.next() {
            if document.isValid { planned.valid.append(document) } else { planned.invalid.append(document) }
        }
        return planned
    }

    static func openError(_ file: String, _ options: ReadingOptions = ReadingOptions()) -> String? {
        do {
            _ = try plan(file, options)
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func locale(_ name: String, _ options: ReadingOptions = ReadingOptions()) -> ReadingOptions {
        var options = options
        options.adopt(SpreadsheetLocale.named(name)!)
        return options
    }

    /// Checks every valid document against the file's truth: never a value
    /// other than the one the spreadsheet showed.
    static func expectTruth(_ file: String, _ planned: Planned, sourceLocation: SourceLocation = #_sourceLocation) {
        let rows = Dictionary(uniqueKeysWithValues: entries[file]!.rows.map { ($0.line, $0) })
        for document in planned.valid {
            guard let row = rows[document.lines.lowerBound] else {
                Issue.record("\(file): a document from line \(document.lines.lowerBound), which holds no row", sourceLocation: sourceLocation)
                continue
            }
            #expect(document.referralID == row.id, "\(file) line \(row.line)", sourceLocation: sourceLocation)
            var expected: [String: JSONValue] = [:]
            if let value = row.dealValue { expected["/details/dealValue"] = .number(Decimal(string: value)!) }
            if let value = row.currency { expected["/details/currency"] = .string(value) }
            if let value = row.closingDate { expected["/details/closingDateTime"] = .string(value + "T00:00:00Z") }
            if let value = row.notes { expected["/details/notes"] = .string(value) }
            if let value = row.name { expected["/name"] = .string(value) }
            let actual = Dictionary(uniqueKeysWithValues: document.operations.map { ($0.path.description, $0.value) })
            #expect(actual == expected, "\(file) line \(row.line)", sourceLocation: sourceLocation)
        }
    }

    /// Every row read, every value the truth.
    static func expectAllRead(_ file: String, _ options: ReadingOptions, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let planned = try plan(file, options)
        #expect(planned.invalid.isEmpty, "\(file): \(planned.problems.map(\.description))", sourceLocation: sourceLocation)
        #expect(planned.valid.count == entries[file]!.rows.count, "\(file)", sourceLocation: sourceLocation)
        expectTruth(file, planned, sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        "en-US-utf8-grouped.csv", "en-US-utf8-grouped-integers.csv", "en-US-utf8-plain.csv", "en-GB-utf8.csv",
        "de-DE-utf8.csv", "de-DE-utf8-grouped-integers.csv", "de-DE-utf8-plain.csv", "fr-FR-utf8.csv", "en-US-utf8-bom.csv",
        "en-US-utf16-unicode-text.txt", "de-DE-sep-line.csv", "de-DE-trailing-empty.csv", "en-US-iso-datetime.csv",
        "en-US-two-digit-year.csv", "en-US-currency.csv", "fr-FR-currency.csv",
    ])
    func withoutOptionsNoValueIsEverMisread(file: String) throws {
        let planned = try Self.plan(file)
        Self.expectTruth(file, planned)
        // Checking the valid rows alone would pass a file whose rows were all refused: every row is
        // accounted for (read true, or refused naming its value), and some are read.
        #expect(!planned.valid.isEmpty, "\(file): every row was refused: \(planned.problems.map(\.description))")
        let accounted = Set(planned.valid.map(\.lines.lowerBound) + planned.invalid.map(\.lines.lowerBound))
        for row in Self.entries[file]!.rows {
            #expect(accounted.contains(row.line), "\(file) line \(row.line): neither read nor refused")
        }
        #expect(planned.invalid.allSatisfy { !$0.problems.isEmpty }, "\(file): a refused row names no problem")
    }

    @Test(arguments: [
        ("en-US-utf8-grouped.csv", "en-US"), ("en-US-utf8-grouped-integers.csv", "en-US"), ("en-US-utf8-plain.csv", "en-US"),
        ("en-GB-utf8.csv", "en-GB"), ("en-GB-utf8-ambiguous-dates.csv", "en-GB"), ("de-DE-utf8.csv", "de-DE"),
        ("de-DE-utf8-grouped-integers.csv", "de-DE"), ("de-DE-utf8-plain.csv", "de-DE"), ("fr-FR-utf8.csv", "fr-FR"),
        ("en-US-utf8-bom.csv", "en-US"), ("en-US-utf16-unicode-text.txt", "en-US"), ("de-DE-sep-line.csv", "de-DE"),
        ("de-DE-trailing-empty.csv", "de-DE"), ("en-US-iso-datetime.csv", "en-US"),
    ])
    func withItsLocaleEveryRowReadsAsTheSpreadsheetShowed(file: String, locale: String) throws {
        try Self.expectAllRead(file, Self.locale(locale))
    }

    @Test func plainFilesAndSpreadsheetIDShapesNeedNoOption() throws {
        for file in ["en-US-utf8-plain.csv", "en-US-iso-datetime.csv"] {
            try Self.expectAllRead(file, ReadingOptions())
        }
    }

    @Test func germanGroupedThousandsAreAmbiguousWithoutADecimalSeparator() throws {
        let planned = try Self.plan("de-DE-utf8-grouped-integers.csv")
        let problem = try #require(planned.problems.first { $0.value == "12.919" })
        // The column also holds 1.000.000, which only a decimal comma makes sense of.
        #expect(problem.reason.hasPrefix("line 8 (\"1.000.000\") shows this column is written with a decimal comma"))
        #expect(problem.reason.hasSuffix("12.919 with a decimal point, or 12919 with a decimal comma"))
        #expect(problem.hint?.contains("--decimal-separator") == true)
        #expect(problem.column == "Estimated Deal Value")
        try Self.expectAllRead("de-DE-utf8-grouped-integers.csv", ReadingOptions(delimiter: nil, decimalSeparator: .comma))
    }

    @Test func aDecimalCommaAnywhereInAColumnRefusesItsOtherSeparatedNumbers() throws {
        // de-DE-utf8.csv holds 1.234,50: no number of that column with a separator is read without the option.
        let planned = try Self.plan("de-DE-utf8.csv")
        let numbers = planned.problems.filter { $0.column == "Estimated Deal Value" }
        #expect(!numbers.isEmpty)
        #expect(planned.valid.allSatisfy { document in
            document.operations.allSatisfy { $0.path.description != "/details/dealValue" || !"\($0.value)".contains(".") }
        })
    }

    @Test func aDayFirstDateMakesEverySlashDateOfItsColumnAProblem() throws {
        let planned = try Self.plan("en-GB-utf8.csv")
        let dates = planned.problems.filter { $0.column == "Estimated Closing Date" }
        let rowsWithDates = Self.entries["en-GB-utf8.csv"]!.rows.filter { $0.closingDate != nil }.count
        #expect(dates.count == rowsWithDates)
        let ambiguous = try #require(dates.first { $0.value == "01/05/2027" })
        #expect(ambiguous.reason.contains("line 3 of this column holds \"31/05/2027\""))
        #expect(ambiguous.reason.contains("5 January 2027 read month-first, or 1 May 2027 read day-first"))
        #expect(ambiguous.hint?.contains("--date-order DMY") == true)
    }

    @Test func aColumnOfOnlyAmbiguousDatesIsReadMonthFirstWithAWarning() throws {
        let planned = try Self.plan("en-GB-utf8-ambiguous-dates.csv")
        #expect(planned.warnings.contains { $0.contains("read month-first") && $0.contains("--date-order DMY") })
        try Self.expectAllRead("en-GB-utf8-ambiguous-dates.csv", ReadingOptions(dateOrder: .dmy))
    }

    @Test func windows1252IsRefusedWholeUnlessNamed() throws {
        let error = try #require(Self.openError("de-DE-windows1252.csv"))
        #expect(error.contains("is not valid UTF-8, so nothing was sent"))
        #expect(error.contains("--encoding windows-1252"))
        try Self.expectAllRead("de-DE-windows1252.csv", Self.locale("de-DE", ReadingOptions(encoding: .windows1252)))
    }

    @Test func utf16WithoutAByteOrderMarkIsRecognised() throws {
        let error = try #require(Self.openError("en-US-utf16-nobom.txt"))
        #expect(error.contains("looks like UTF-16 text without a byte-order mark"))
        #expect(error.contains("--encoding utf-16le"))
        try Self.expectAllRead("en-US-utf16-nobom.txt", Self.locale("en-US", ReadingOptions(encoding: .utf16LittleEndian)))
    }

    /// The .xlsx and .ods are read (WorkbookCorpusTests); the binary .xls is named.
    @Test func anOldBinaryWorkbookIsNamedAndExplained() throws {
        let error = try #require(Self.openError("workbook-en-US.xls"))
        #expect(error.contains("Excel 97-2003 workbook (.xls)"))
        #expect(error.contains("save it as \"Excel Workbook (.xlsx)\""))
    }

    @Test func aTitleRowIsPointedOutAndSkippedWithHeaderLine() throws {
        let error = try #require(Self.openError("en-GB-title-row.csv"))
        #expect(error.contains("\"Q3 corrections"))
        #expect(error.contains("line 3 looks like the header: pass --header-line 3"))
        try Self.expectAllRead("en-GB-title-row.csv", Self.locale("en-GB", ReadingOptions(headerLine: 3)))
    }

    @Test func twoDigitYearsAreRefused() throws {
        let planned = try Self.plan("en-US-two-digit-year.csv")
        let dates = planned.problems.filter { $0.column == "Estimated Closing Date" }
        #expect(dates.count == Self.entries["en-US-two-digit-year.csv"]!.rows.filter { $0.closingDate != nil }.count)
        #expect(dates.allSatisfy { $0.reason.contains("has two digits") })
    }

    @Test(arguments: ["en-US-currency.csv", "fr-FR-currency.csv"])
    func currencySymbolsInAmountsAreRefusedWithAHint(file: String) throws {
        let planned = try Self.plan(file, Self.locale(Self.entries[file]!.locale!))
        let amounts = planned.problems.filter { $0.column == "Estimated Deal Value" }
        #expect(amounts.count == Self.entries[file]!.rows.filter { $0.dealValue != nil }.count)
        #expect(amounts.allSatisfy { $0.reason == "the amount holds a currency symbol or code" })
        #expect(amounts.allSatisfy { $0.hint?.contains("Currency column") == true })
    }
}
