import Testing

@testable import ReferralInput

@Suite struct SheetValueTests {
    @Test(arguments: [
        (1234.5599999999999, "1234.56"), (12919.5, "12919.5"), (0.1 + 0.2, "0.3"), (1e20, "100000000000000000000"),
        (-0.000012345, "-0.000012345"), (10000, "10000"), (0, "0"), (123456789012345678, "123456789012346000"),
    ])
    func numbersAreShownToFifteenSignificantDigits(value: Double, text: String) {
        #expect(SheetValue.numberText(value) == text)
    }

    @Test func dateSerialsFollowBothDateSystemsAndThe1900LeapYearBug() {
        #expect(SheetValue.dateText(serial: 46508, date1904: false) == "2027-05-01")
        #expect(SheetValue.dateText(serial: 46508 - 1462, date1904: true) == "2027-05-01")
        #expect(SheetValue.dateText(serial: 46508.4375, date1904: false) == "2027-05-01 10:30:00")
        #expect(SheetValue.dateText(serial: 1, date1904: false) == "1900-01-01")
        #expect(SheetValue.dateText(serial: 59, date1904: false) == "1900-02-28")
        #expect(SheetValue.dateText(serial: 60, date1904: false) == "1900-02-29")  // never was: the date rules refuse it
        #expect(SheetValue.dateText(serial: 61, date1904: false) == "1900-03-01")
        #expect(SheetValue.dateText(serial: 46508.999999999, date1904: false) == "2027-05-02")
    }

    @Test func dateFormatsAreToldByTheirCode() {
        for id in [14, 15, 22, 45, 47] { #expect(NumberFormat.isBuiltInDate(id)) }
        for id in [0, 1, 2, 4, 10, 49] { #expect(!NumberFormat.isBuiltInDate(id)) }
        for code in ["dd.mm.yyyy", "yyyy-mm-dd hh:mm", "[$-407]d. mmmm yyyy", "m/d/yy", "[h]:mm:ss"] { #expect(NumberFormat.isDate(code: code)) }
        for code in ["General", "#,##0.00", "#.##0,00 [$€-407]", "0%", "0.00E+00", "#,##0 \"days\"", "[Red]0.00", "@"] {
            #expect(!NumberFormat.isDate(code: code), "\(code)")
        }
    }

    @Test func ooxmlEscapesAreDecoded() {
        #expect(String(decoding: SheetValue.unescapingOOXML(Array("a_x000D__x000A_b".utf8)), as: UTF8.self) == "a\r\nb")
        #expect(String(decoding: SheetValue.unescapingOOXML(Array("_x005F_x0041_".utf8)), as: UTF8.self) == "_x0041_")
        #expect(String(decoding: SheetValue.unescapingOOXML(Array("my_xvalue_".utf8)), as: UTF8.self) == "my_xvalue_")
    }

    @Test func columnLettersAndReferences() {
        #expect(TypedCells.columnLetters(0) == "A")
        #expect(TypedCells.columnLetters(25) == "Z")
        #expect(TypedCells.columnLetters(26) == "AA")
        #expect(TypedCells.columnLetters(16383) == "XFD")
        #expect(TypedCells.parse(reference: "XFD1048576".utf8)! == (16383, 1_048_576))
        #expect(TypedCells(sheet: "Q3 deals", types: []).reference(column: 2, row: 7) == "'Q3 deals'!C7")
    }
}
