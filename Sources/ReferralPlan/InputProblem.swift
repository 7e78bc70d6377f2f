/// One thing wrong with one row: where (line and column), the value as
/// read, what is wrong and, when we know it, what would be right.
package struct InputProblem: Sendable, Hashable, CustomStringConvertible {
    package var line: Int
    /// The column's header as the file spells it; nil for whole-row problems.
    package var column: String?
    /// The column's letter when the row is a workbook's (`C`), shown beside its header.
    package var columnLetter: String?
    package var value: String?
    package var reason: String
    package var hint: String?

    package init(
        line: Int, column: String? = nil, columnLetter: String? = nil, value: String? = nil, reason: String, hint: String? = nil
    ) {
        self.line = line
        self.column = column
        self.columnLetter = columnLetter
        self.value = value
        self.reason = reason
        self.hint = hint
    }

    /// `line 12, column "Estimated Deal Value" (C), value "10,000.50": ambiguous number; write 10000.50`
    package var description: String {
        var text = "line \(line)"
        if let column { text += ", column \"\(column)\"" }
        if let columnLetter { text += " (\(columnLetter))" }
        if let value { text += ", value \"\(Self.printable(value))\"" }
        text += ": \(reason)"
        if let hint { text += "; \(hint)" }
        return text
    }

    /// Shows control characters and long values so a message stays one readable line.
    static func printable(_ value: String) -> String {
        var shown = ""
        for scalar in value.unicodeScalars.prefix(80) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                shown += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return value.unicodeScalars.count > 80 ? shown + "…" : shown
    }
}
