import ArgumentParser
import ReferralBulk

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
        let planner = input.openPlanner()
        var tally = ProblemTally()
        let pretty = pretty  // read the option once, not once per document
        do {
            while let document = try planner.next() {
                if document.isValid {
                    var line = document.planLine(pretty: pretty)
                    line.append(UInt8(ascii: "\n"))
                    FileOutput.standardOutput.write(bytes: line)
                }
                tally.add(document, to: .standardError)
            }
        } catch {
            FileOutput.standardOutput.flush()
            failUnusable(error.description)
        }
        FileOutput.standardOutput.flush()
        tally.printSummary(rows: planner.rowsRead, to: .standardError)
        throw ExitCode(tally.exitStatus.rawValue)
    }
}
