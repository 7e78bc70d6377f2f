import ArgumentParser
import ReferralInput
import ReferralModel
import ReferralPlan
import ReferralReport
import ReferralSend

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the file only: exit 0 when clean, 1 when rows have problems, 2 when it cannot be used.",
        discussion: "Every problem is listed with its line, column, value, what is wrong and what would be right."
    )

    @OptionGroup var input: InputOptions

    func run() throws {
        let planner = try input.openPlanner()
        var tally = ProblemTally()
        do {
            while let document = try planner.next() {
                for line in tally.add(document) { FileOutput.standardOutput.write(line + "\n") }
            }
        } catch {
            FileOutput.standardOutput.flush()
            throw CommandFailure.unusable(error.description)
        }
        FileOutput.standardOutput.write(tally.summary(rows: planner.rowsRead) + "\n")
        FileOutput.standardOutput.flush()
        throw ExitCode(tally.exitStatus.rawValue)
    }
}
