import ArgumentParser
import ReferralInput
import ReferralModel
import ReferralPlan
import ReferralReport
import ReferralSend

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
        let planner = try input.openPlanner()
        var tally = ProblemTally()
        let pretty = pretty  // read the option once, not once per document
        // Serialising runs on a second core while this one reads and checks rows.
        let renderer = BackgroundRenderer<PatchDocument>(output: .standardOutput) { document, bytes in
            document.writePlanLine(into: &bytes, pretty: pretty)
            bytes.append(UInt8(ascii: "\n"))
        }
        var batch: [PatchDocument] = []
        do {
            while let document = try planner.next() {
                if document.isValid {
                    batch.append(document)
                    if batch.count == 256 {
                        renderer.submit(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                for line in tally.add(document) { FileOutput.standardError.write(line + "\n") }
            }
        } catch {
            renderer.submit(batch)
            renderer.finish()
            throw CommandFailure.unusable(error.description)
        }
        renderer.submit(batch)
        renderer.finish()
        FileOutput.standardError.write(tally.summary(rows: planner.rowsRead) + "\n")
        FileOutput.standardError.flush()
        throw ExitCode(tally.exitStatus.rawValue)
    }
}
