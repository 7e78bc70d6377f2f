import Foundation
import Testing

@testable import ReferralModel
@testable import ReferralInput
@testable import ReferralPlan
@testable import ReferralSend

@Suite struct NumberTextTests {
    func number(_ text: String, _ conventions: ValueConventions.Numbers = .plainOnly) throws(ValueError) -> Decimal {
        try NumberText.parse(text, conventions: conventions)
    }

    func reason(_ text: String, _ conventions: ValueConventions.Numbers = .plainOnly) -> String? {
        do {
            _ = try number(text, conventions)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func plainNumbersReadTheSameWithoutAnOption() throws {
        #expect(try number("10000") == 10000)
        #expect(try number("10000.50") == Decimal(string: "10000.50")!)
        #expect(try number("0.125") == Decimal(string: "0.125")!)
        #expect(try number(" 12.5 ") == Decimal(string: "12.5")!)
    }

    @Test func valuesThatReadDifferentlyUnderTheTwoConventionsAreRefusedWithBothReadings() {
        #expect(reason("12.919") == "ambiguous number: 12.919 with a decimal point, or 12919 with a decimal comma")
        #expect(reason("1.234") == "ambiguous number: 1.234 with a decimal point, or 1234 with a decimal comma")
        #expect(reason("1,234") == "ambiguous number: 1234 with a decimal point, or 1.234 with a decimal comma")
        #expect(reason("12,5") == "this number needs its convention named: 12.5 with a decimal comma")
        #expect(reason("10,000.50") == "this number needs its convention named: 10000.50 with a decimal point")
        #expect(reason("1.000,50") == "this number needs its convention named: 1000.50 with a decimal comma")
        #expect(throws: ValueError.ambiguousNumber(readings: ["12.919 with a decimal point", "12919 with a decimal comma"])) {
            try number("12.919")
        }
    }

    @Test func aNamedSeparatorReadsGroupedFormsInItsConvention() throws {
        #expect(try number("12.919,50", .separator(.comma)) == Decimal(string: "12919.50")!)
        #expect(try number("12.919", .separator(.comma)) == 12919)
        #expect(try number("12 919,50", .separator(.comma)) == Decimal(string: "12919.50")!)
        #expect(try number("12\u{00A0}919,50", .separator(.comma)) == Decimal(string: "12919.50")!)
        #expect(try number("12,919.50", .separator(.point)) == Decimal(string: "12919.50")!)
        #expect(try number("12.919", .separator(.point)) == Decimal(string: "12.919")!)
        #expect(reason("12,919.50", .separator(.comma)) == "not a number written with a decimal comma")
        #expect(reason("1,23,456", .separator(.point)) == "not a number written with a decimal point")
        #expect(reason("1.2345,6", .separator(.comma)) == "not a number written with a decimal comma")
    }

    @Test func aColumnThatShowedADecimalCommaReadsOnlyNumbersWithoutSeparators() throws {
        let evidence = ColumnEvidence(line: 7, value: "1.234,50")
        #expect(try number("10000", .contradicted(evidence)) == 10000)
        #expect(reason("10000.50", .contradicted(evidence))?.hasPrefix("line 7 (\"1.234,50\") shows this column is written with a decimal comma") == true)
    }

    @Test func currencyAndNegativeAmountsAreRefused() {
        #expect(reason("$12,919.00") == "the amount holds a currency symbol or code")
        #expect(reason("12 919,00 €", .separator(.comma)) == "the amount holds a currency symbol or code")
        #expect(reason("EUR 100") == "the amount holds a currency symbol or code")
        #expect(reason("-5") == "a deal value cannot be negative")
        #expect(reason("1e5") == "not a plain decimal number")
    }
}

@Suite struct NumericDateTests {
    func date(_ text: String, _ dates: ValueConventions.Dates = .monthFirst) throws(ValueError) -> String {
        try UTCDateTime.parse(text, dates: dates).description
    }

    @Test func slashDatesFollowTheColumnsOrder() throws {
        #expect(try date("01/05/2027") == "2027-01-05T00:00:00Z")
        #expect(try date("01/05/2027", .order(.dmy)) == "2027-05-01T00:00:00Z")
        #expect(try date("1/5/2027", .order(.mdy)) == "2027-01-05T00:00:00Z")
        #expect(try date("2027/05/01") == "2027-05-01T00:00:00Z")
    }

    @Test func dottedDatesAreDayFirstAndSpreadsheetDateTimesAreUTC() throws {
        #expect(try date("1.5.2027") == "2027-05-01T00:00:00Z")
        #expect(try date("01.05.2027 13:45") == "2027-05-01T13:45:00Z")
        #expect(try date("2027-05-01 00:00:00") == "2027-05-01T00:00:00Z")
        #expect(try date("2027-05-01T10:00:00+02:00") == "2027-05-01T08:00:00Z")
    }

    @Test func aContradictedColumnRefusesEveryYearLastSlashDateWithBothReadings() {
        let evidence = ColumnEvidence(line: 9, value: "31/05/2027")
        #expect(throws: ValueError.self) { try date("01/05/2027", .contradicted(evidence)) }
        do {
            _ = try date("01/05/2027", .contradicted(evidence))
        } catch {
            #expect(error.reason.contains("line 9 of this column holds \"31/05/2027\""))
            #expect(error.reason.hasSuffix("5 January 2027 read month-first, or 1 May 2027 read day-first"))
        }
    }

    @Test func twoDigitYearsAndImpossibleDatesAreRefused() {
        #expect(throws: ValueError.twoDigitYear(27)) { try date("5/1/27") }
        #expect(ValueError.twoDigitYear(27).reason == "the year \"27\" has two digits, which could be any century")
        #expect(ValueError.twoDigitYear(27).hint == "write the year in full, e.g. 2027")
        #expect(ValueError.twoDigitYear(5).hint == "write the year in full, e.g. 2005")
        #expect(throws: ValueError.noSuchMonth(13)) { try date("13/13/2027", .order(.dmy)) }
        #expect(throws: ValueError.noSuchDay(day: 30, month: 2, year: 2027)) { try date("2/30/2027") }
        #expect(ValueError.noSuchDay(day: 30, month: 2, year: 2027).reason == "there is no day 30 in month 2 of 2027")
    }

    @Test func surveyEvidence() {
        #expect(NumericDate("31/05/2027")!.isDayFirstOnly)
        #expect(!NumericDate("05/31/2027")!.isDayFirstOnly)
        #expect(NumericDate("01/05/2027")!.isAmbiguous)
        #expect(!NumericDate("1.5.2027")!.isAmbiguous)
        #expect(NumberText.isDecimalCommaOnly("12,5"))
        #expect(!NumberText.isDecimalCommaOnly("12.919"))
        #expect(!NumberText.isDecimalCommaOnly("1,234"))
    }
}

@Suite struct ReferralIDTests {
    @Test(arguments: [
        "3FA85F64-5717-4562-B3FC-2C963F66AFA6", "{3fa85f64-5717-4562-b3fc-2c963f66afa6}", "3fa85f6457174562b3fc2c963f66afa6",
        "  {3FA85F64-5717-4562-B3FC-2C963F66AFA6} ", "(3fa85f64-5717-4562-b3fc-2c963f66afa6)",
        "3fa85f64-5717-4562-b3fc-2c963f66afa6", "3Fa85f6457174562b3fC2c963f66afA6",
    ])
    func spreadsheetShapesOfAGUIDAreNormalised(cell: String) throws {
        #expect(try ReferralID.validate(cell) == "3fa85f64-5717-4562-b3fc-2c963f66afa6")
    }

    @Test func otherIDsAreKeptAsGiven() throws {
        #expect(try ReferralID.validate("LEAD-0042") == "LEAD-0042")
        #expect(ReferralID.canonicalGUID("3fa85f64-5717-4562-b3fc-2c963f66afaz") == nil)
        #expect(ReferralID.canonicalGUID("3fa85f64x5717-4562-b3fc-2c963f66afa6") == nil)
        #expect(ReferralID.canonicalGUID("3fa85f64-5717-4562-b3fc-2c963f66afa-6") == nil)
        #expect(ReferralID.canonicalGUID("{3fa85f64-5717-4562-b3fc-2c963f66afa6)") == nil)
        #expect(ReferralID.canonicalGUID("3fa85f6-45717-4562-b3fc-2c963f66afa6") == nil)
        #expect(ReferralID.canonicalGUID("3fa85f64-5717-4562-b3fc-2c963f66afa66") == nil)
    }
}

@Suite struct EncodingTests {
    func decoded(_ bytes: [UInt8], _ encoding: TextEncoding, chunk: Int) throws(CSVFileError) -> String {
        var decoder = TextDecoder(encoding: encoding)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            try decoder.decode(bytes[index..<min(bytes.count, index + chunk)], into: &output)
            index += chunk
        }
        try decoder.finish()
        return String(decoding: output, as: UTF8.self)
    }

    @Test(arguments: [1, 2, 3, 7, 64])
    func decodingDoesNotDependOnWhereChunksEnd(chunk: Int) throws {
        let text = "Jürgen, 5 €, 😀 ok\n"
        #expect(try decoded(Array(text.utf8), .utf8, chunk: chunk) == text)
        #expect(try decoded(TextEncoding.utf16LittleEndian.encode(text)!, .utf16LittleEndian, chunk: chunk) == text)
        #expect(try decoded(TextEncoding.utf16BigEndian.encode(text)!, .utf16BigEndian, chunk: chunk) == text)
        let latin = "Jürgen, 5 €, Straße\n"
        #expect(try decoded(TextEncoding.windows1252.encode(latin)!, .windows1252, chunk: chunk) == latin)
        #expect(try decoded(TextEncoding.macintosh.encode(latin)!, .macintosh, chunk: chunk) == latin)
    }

    @Test func singleByteEncodingsUseTheirOwnTables() {
        #expect(TextEncoding.windows1252.encode("€") == [0x80])
        #expect(TextEncoding.isoLatin1.encode("é") == [0xE9])
        #expect(TextEncoding.isoLatin1.encode("€") == nil)
        #expect(TextEncoding.macintosh.encode("é") == [0x8E])
    }

    @Test func invalidBytesNameTheirLine() {
        #expect(throws: CSVFileError.notInEncoding(encoding: .utf8, line: 2)) {
            try decoded(Array("a\nb".utf8) + [0xC3], .utf8, chunk: 2)
        }
        #expect(throws: CSVFileError.notInEncoding(encoding: .utf8, line: 1)) { try decoded([0xED, 0xA0, 0x80], .utf8, chunk: 3) }
        #expect(throws: CSVFileError.notInEncoding(encoding: .utf16LittleEndian, line: 1)) {
            try decoded([0x00, 0xDC, 0x41, 0x00], .utf16LittleEndian, chunk: 4)
        }
    }

    @Test func controlCharactersInUsedCellsAreProblems() throws {
        let documents = try planAll("id,notes,Errors\nf3c95789-ace1-4954-ac5d-6baed2eac902,a\u{01}b,x\u{01}\n")
        #expect(documents[0].problems.map(\.reason) == ["the cell holds a control character"])
        #expect(documents[0].problems.first?.column == "notes")
    }

    @Test func rootAndUnnamedPointersAreRefused() throws {
        let documents = try planAll("id,op,path,value\nf3c95789-ace1-4954-ac5d-6baed2eac902,replace,,{}\nf3c95789-ace1-4954-ac5d-6baed2eac902,replace,/,1\n")
        #expect(documents.allSatisfy { !$0.isValid })
    }
}

@Suite struct RetryEncodingTests {
    @Test func aMessageCharacterTheInputsEncodingLacksDoesNotChangeTheRowsOtherBytes() {
        // ISO-8859-1 has "é" but no "…" (which long values' messages end with).
        #expect(TextEncoding.isoLatin1.encode("é…") == nil)
        #expect(TextEncoding.isoLatin1.encode("é…", substitute: UInt8(ascii: "?")) == [0xE9, 0x3F])
    }
}
