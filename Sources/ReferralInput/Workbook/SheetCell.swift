/// A cell to write into a workbook: text (never a formula, whatever it
/// starts with), a number (its plain decimal text), or a date-time.
package enum SheetCell: Sendable, Hashable {
    case empty
    case text(String)
    case number(String)
    /// Seconds since 1970-01-01 UTC; shown as a date, or a date-time when it has a time of day.
    case dateTime(secondsSinceEpoch: Int64)
}
