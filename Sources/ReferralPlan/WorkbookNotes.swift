import ReferralInput

/// What reading a workbook changes about the options and what a person is
/// told: typed cells need no locale, and a sheet can hide rows and columns
/// that are read all the same.
enum WorkbookNotes {
    static let workbookNames = [".xlsx", ".xlsm", ".ods", ".xls"]

    /// The options the reader's records are planned with: for a workbook,
    /// without the ones that say how text is read (a number cell's text is
    /// always plain `12919.5`, a date cell's `2027-05-01`).
    static func effective(_ options: ReadingOptions, for reader: InputReader) -> ReadingOptions {
        guard case .workbook = reader else { return options }
        var plain = options
        plain.delimiter = nil
        plain.encoding = nil
        plain.decimalSeparator = nil
        plain.dateOrder = nil
        return plain
    }

    /// `given` are the options as the person gave them (before `effective`).
    static func warnings(afterReading reader: InputReader, named name: String, options given: ReadingOptions) -> [String] {
        switch reader {
        case .csv:
            let lowered = name.lowercased()
            guard let suffix = workbookNames.first(where: lowered.hasSuffix) else { return [] }
            return ["\(name) is named like a workbook (\(suffix)) but holds CSV text: it is read as CSV"]
        case .workbook(let workbook):
            var warnings: [String] = []
            if !given.textOnlyOptionNames.isEmpty {
                warnings.append(
                    "\(given.textOnlyOptionNames.joined(separator: ", ")): not needed for a workbook, whose cells are typed; ignored")
            }
            if workbook.hiddenRows > 0 {
                warnings.append(
                    "\(workbook.hiddenRows) hidden row(s) of sheet \"\(workbook.sheet.name)\" are read as well: hiding or filtering a row does not leave it out; delete the rows not to apply")
            }
            let hidden = workbook.hiddenHeaderColumns
            if !hidden.isEmpty {
                let named = hidden.map { "\"\(workbook.header.cells[$0])\" (\(TypedCells.columnLetters($0)))" }
                warnings.append("hidden column(s) \(named.joined(separator: ", ")) are read as well")
            }
            return warnings
        }
    }
}
