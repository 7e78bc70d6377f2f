import ArgumentParser
import ReferralInput
import ReferralPlan

/// The options every command that reads a CSV file or workbook shares.
struct InputOptions: ParsableArguments {
    @Argument(help: "The CSV file or .xlsx/.ods workbook, or - for standard input.")
    var file: String

    @Option(help: "The workbook's sheet to read (default: its only sheet).")
    var sheet: String?

    @Option(
        help: "The delimiter: ',', ';' or 'tab' (default: an Excel 'sep=' first line, else detected from the header line).",
        transform: parseValue(ReadingOptions.delimiter(named:), accepted: "',', ';' or 'tab'"))
    var delimiter: UInt8?

    @Option(
        help: "The file's encoding: \(TextEncoding.acceptedNames) (default: from its byte-order mark, else UTF-8).",
        transform: parseValue(TextEncoding.init(name:), accepted: "one of \(TextEncoding.acceptedNames)"))
    var encoding: TextEncoding?

    @Option(help: "The line (a workbook's row) the header is on, when lines above it hold a title (default: the first non-blank line).")
    var headerLine: Int?

    @Option(
        help: "The decimal mark of numbers: '.' or ','. Without it, a number that reads differently either way (12.919, 1,234) is refused.",
        transform: parseValue(DecimalSeparator.init(name:), accepted: "'.' or ','"))
    var decimalSeparator: DecimalSeparator?

    @Option(
        help: "How dates with the year last are read: MDY, DMY or YMD. Without it, M/D/YYYY unless a date of the column can only be day-first (then every such date of the column is refused).",
        transform: parseValue(DateOrder.init(name:), accepted: "MDY, DMY or YMD"))
    var dateOrder: DateOrder?

    @Option(
        help: "A spreadsheet locale's number and date conventions, e.g. en-US, en-GB, de-DE, fr-FR; --decimal-separator and --date-order override it.",
        transform: parseValue(
            SpreadsheetLocale.named,
            accepted: "a locale the tool knows (\(SpreadsheetLocale.known.map(\.name).joined(separator: ", "))); use --decimal-separator and --date-order"))
    var locale: SpreadsheetLocale?

    @Flag(help: "Ignore columns the tool does not know instead of refusing the file.")
    var ignoreUnknownColumns = false

    func validate() throws {
        if let headerLine, !(1...1_000_000).contains(headerLine) {
            throw ValidationError("--header-line must be a line number from 1 to 1000000.")
        }
    }

    /// The reading options these arguments name.
    var reading: ReadingOptions {
        var options = ReadingOptions(
            delimiter: delimiter, encoding: encoding, headerLine: headerLine, decimalSeparator: decimalSeparator,
            dateOrder: dateOrder, ignoreUnknownColumns: ignoreUnknownColumns, sheet: sheet)
        if let locale { options.adopt(locale) }
        return options
    }
}
