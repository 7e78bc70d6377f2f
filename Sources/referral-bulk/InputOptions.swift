import ArgumentParser
import ReferralInput
import ReferralModel
import ReferralPlan
import ReferralReport
import ReferralSend

/// The options every command that reads a CSV file or workbook shares.
struct InputOptions: ParsableArguments {
    @Argument(help: "The CSV file or .xlsx/.ods workbook, or - for standard input.")
    var file: String

    @Option(help: "The workbook's sheet to read (default: its only sheet).")
    var sheet: String?

    @Option(help: "The delimiter: ',', ';' or 'tab' (default: an Excel 'sep=' first line, else detected from the header line).")
    var delimiter: String?

    @Option(help: "The file's encoding: \(TextEncoding.acceptedNames) (default: from its byte-order mark, else UTF-8).")
    var encoding: String?

    @Option(help: "The line (a workbook's row) the header is on, when lines above it hold a title (default: the first non-blank line).")
    var headerLine: Int?

    @Option(help: "The decimal mark of numbers: '.' or ','. Without it, a number that reads differently either way (12.919, 1,234) is refused.")
    var decimalSeparator: String?

    @Option(help: "How dates with the year last are read: MDY, DMY or YMD. Without it, M/D/YYYY unless a date of the column can only be day-first (then every such date of the column is refused).")
    var dateOrder: String?

    @Option(help: "A spreadsheet locale's number and date conventions, e.g. en-US, en-GB, de-DE, fr-FR; --decimal-separator and --date-order override it.")
    var locale: String?

    @Flag(help: "Ignore columns the tool does not know instead of refusing the file.")
    var ignoreUnknownColumns = false

    func validate() throws {
        if let delimiter, ReadingOptions.delimiter(named: delimiter) == nil {
            throw ValidationError("--delimiter must be ',', ';' or 'tab', not '\(delimiter)'.")
        }
        if let encoding, TextEncoding(name: encoding) == nil {
            throw ValidationError("--encoding '\(encoding)' is not one of \(TextEncoding.acceptedNames).")
        }
        if let headerLine, !(1...1_000_000).contains(headerLine) {
            throw ValidationError("--header-line must be a line number from 1 to 1000000.")
        }
        if let decimalSeparator, DecimalSeparator(name: decimalSeparator) == nil {
            throw ValidationError("--decimal-separator must be '.' or ','.")
        }
        if let dateOrder, DateOrder(name: dateOrder) == nil {
            throw ValidationError("--date-order must be MDY, DMY or YMD.")
        }
        if let locale, SpreadsheetLocale.named(locale) == nil {
            let names = SpreadsheetLocale.known.map(\.name).joined(separator: ", ")
            throw ValidationError("--locale '\(locale)' is not one the tool knows (\(names)); use --decimal-separator and --date-order.")
        }
    }

    /// The reading options these arguments name (already validated).
    var reading: ReadingOptions {
        var options = ReadingOptions(
            delimiter: delimiter.flatMap(ReadingOptions.delimiter(named:)), encoding: encoding.flatMap(TextEncoding.init(name:)),
            headerLine: headerLine, decimalSeparator: decimalSeparator.flatMap(DecimalSeparator.init(name:)),
            dateOrder: dateOrder.flatMap(DateOrder.init(name:)), ignoreUnknownColumns: ignoreUnknownColumns, sheet: sheet)
        if let locale = locale.flatMap(SpreadsheetLocale.named) { options.adopt(locale) }
        return options
    }

    /// Opens the file and reads its header, or throws the reason (exit code 2).
    func openPlanner() throws(CommandFailure) -> Planner {
        do {
            let planner = try InputFile.planner(path: file, options: reading)
            for warning in planner.columns.warnings {
                FileOutput.standardError.write("warning: \(warning)\n")
            }
            return planner
        } catch {
            throw .unusable(error.description)
        }
    }
}
