import ReferralModel

/// One record of a CSV file (or row of a sheet) as the reader saw it: its cells and where it was.
package struct CSVRecord: Sendable, Hashable {
    /// The physical line the record starts on (1-based, the header is line 1).
    package var line: Int
    /// The physical line it ends on (greater than `line` when a quoted cell holds line breaks).
    package var endLine: Int
    package var cells: [String]
    /// For a row of a workbook, its sheet and each cell's type; nil for CSV.
    package var typed: TypedCells?

    package init(line: Int, endLine: Int, cells: [String], typed: TypedCells? = nil) {
        self.line = line
        self.endLine = endLine
        self.cells = cells
        self.typed = typed
    }

    /// True for a record whose every cell is empty or blank: a spreadsheet's
    /// filler row, not a change.
    package var isBlank: Bool { cells.allSatisfy { $0.isBlank } }  // a closure: a key path to another target's property is not inlined
}

/// What the reader yields: a record, or a record it could not read (bad
/// quoting), which the planner reports while the rest of the file goes on.
package enum CSVReadResult: Sendable {
    case record(CSVRecord)
    case malformed(line: Int, reason: String)
}
