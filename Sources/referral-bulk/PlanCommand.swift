import ArgumentParser
import ReferralRun

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print each referral's JSON Patch document; send nothing.",
        discussion: """
            One JSON line per document on standard output: {"id", "lines": [first, last], "ifMatch", "patch"}. \
            Rows with problems are listed on standard error instead. Exit 0 when every row is usable, \
            1 when some are not, 2 when the file cannot be used.
            """
    )

    @OptionGroup var input: InputOptions

    @Flag(help: "Indent the JSON.")
    var pretty = false

    func run() throws {
        try FileCheckRun(file: input.file, reading: input.reading, pretty: pretty, outputs: .plan).runThenExit()
    }
}
