/// The typed side of a record read from a workbook (nil for CSV).
package struct TypedCells: Sendable, Hashable {
    package var sheet: String
    /// One a cell, in the order of the record's cells.
    package var types: [CellType]

    package init(sheet: String, types: [CellType]) {
        self.sheet = sheet
        self.types = types
    }

    /// `Corrections!C7`, quoted as a spreadsheet quotes a sheet name with spaces.
    package func reference(column: Int, row: Int) -> String {
        let plain = sheet.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
        let name = plain ? sheet : "'" + sheet.map { $0 == "'" ? "''" : String($0) }.joined() + "'"
        return "\(name)!\(Self.columnLetters(column))\(row)"
    }

    /// `A` for column 0, `Z`, `AA`, … as spreadsheets name columns.
    package static func columnLetters(_ column: Int) -> String {
        var letters: [UInt8] = []
        var rest = column + 1
        while rest > 0 {
            letters.append(UInt8(ascii: "A") + UInt8((rest - 1) % 26))
            rest = (rest - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// Column index of `C7`'s letters (0 for `A`), and the row number if written.
    static func parse(reference bytes: some Collection<UInt8>) -> (column: Int, row: Int?)? {
        var column = 0
        var row = 0
        var sawLetter = false
        var sawDigit = false
        for byte in bytes {
            if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z"), !sawDigit {
                column = column * 26 + Int(byte - UInt8(ascii: "A") + 1)
                sawLetter = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), sawLetter {
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                sawDigit = true
            } else if byte == UInt8(ascii: "$") {
                continue
            } else {
                return nil
            }
            if column > 16_384 || row > 1_048_576 { return nil }
        }
        guard sawLetter else { return nil }
        return (column - 1, sawDigit ? row : nil)
    }
}
