/// What a workbook cell holds, beside the text the planner reads from it:
/// the planner refuses a boolean, an error or an unsaved formula in a column
/// it uses, naming the cell, and `retry.xlsx` writes each cell back as typed.
package enum CellType: UInt8, Sendable, Hashable {
    case empty, text, number, date, boolean, error
    /// A formula saved without its value (some libraries write none).
    case formulaWithoutValue

    /// A cell no field takes, whatever the column: the planner names it as a problem of its row.
    package var isRefused: Bool { self == .boolean || self == .error || self == .formulaWithoutValue }
}
