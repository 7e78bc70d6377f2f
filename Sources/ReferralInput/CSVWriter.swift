/// Writes CSV rows (RFC 4180, CRLF line ends so Excel opens them cleanly)
/// for every file the tool writes, and neutralises spreadsheet formulas: a
/// cell that starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`,
/// unless it is a plain number such as `-12.50`.
package struct CSVWriter: Sendable {
    package let delimiter: UInt8

    package init(delimiter: UInt8 = UInt8(ascii: ",")) { self.delimiter = delimiter }

    /// One row, line end included.
    package func row(_ cells: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, cell) in cells.enumerated() {
            if index > 0 { bytes.append(delimiter) }
            append(cell, to: &bytes)
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
        return bytes
    }

    private func append(_ cell: String, to bytes: inout [UInt8]) {
        let text = Self.neutralised(cell)
        let needsQuotes = text.utf8.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
        guard needsQuotes else {
            bytes.append(contentsOf: text.utf8)
            return
        }
        bytes.append(0x22)
        for byte in text.utf8 {
            if byte == 0x22 { bytes.append(0x22) }
            bytes.append(byte)
        }
        bytes.append(0x22)
    }

    /// `=`, `+`, `-`, `@`, tab, CR: what a spreadsheet may read as the start of a formula.
    @inline(__always)
    static func isFormulaTrigger(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: true
        default: false
        }
    }

    /// The cell as it is safe to open in a spreadsheet.
    package static func neutralised(_ cell: String) -> String {
        guard let first = cell.utf8.first, isFormulaTrigger(first), !isPlainNumber(cell) else { return cell }
        return "'" + cell
    }

    /// Undoes `neutralised` when a file the tool wrote (retry.csv) is read
    /// back, as Excel does: a `'` before a formula character only marks text.
    package static func restored(_ cell: String) -> String {
        let bytes = cell.utf8
        guard bytes.first == UInt8(ascii: "'"), let second = bytes.dropFirst().first, isFormulaTrigger(second) else {
            return cell
        }
        return String(cell.dropFirst())
    }

    /// `-?digits(.digits)?`
    static func isPlainNumber(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { (48...57).contains($0) } }
    }
}
