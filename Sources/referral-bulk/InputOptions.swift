import ArgumentParser
import ReferralBulk

/// The options every command that reads a CSV file shares.
struct InputOptions: ParsableArguments {
    @Argument(help: "The CSV file, or - for standard input.")
    var file: String

    @Option(help: "The delimiter: ',', ';' or 'tab' (default: detected from the header line).")
    var delimiter: String?

    @Flag(help: "Ignore columns the tool does not know instead of refusing the file.")
    var ignoreUnknownColumns = false

    func validate() throws {
        if let delimiter, InputFile.delimiter(named: delimiter) == nil {
            throw ValidationError("--delimiter must be ',', ';' or 'tab', not '\(delimiter)'.")
        }
    }

    /// Opens the file and reads its header, or exits 2 with the reason.
    func openPlanner() -> Planner {
        do {
            let planner = try InputFile.planner(
                path: file, delimiter: delimiter.flatMap(InputFile.delimiter(named:)),
                ignoreUnknownColumns: ignoreUnknownColumns)
            for warning in planner.columns.warnings {
                FileOutput.standardError.write("warning: \(warning)\n")
            }
            return planner
        } catch {
            failUnusable(error.description)
        }
    }
}
