import ArgumentParser
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
        let planner = input.openPlanner()
        var tally = ProblemTally()
        do {
            while let document = try planner.next() {
                tally.add(document, to: .standardOutput)
            }
        } catch {
            FileOutput.standardOutput.flush()
            failUnusable(error.description)
        }
        tally.printSummary(rows: planner.rowsRead, to: .standardOutput)
        FileOutput.standardOutput.flush()
        throw ExitCode(tally.exitStatus.rawValue)
    }
}

/// Counts documents and prints their problems as they stream past.
struct ProblemTally {
    private(set) var documents = 0
    private(set) var invalidDocuments = 0
    private(set) var problems = 0

    mutating func add(_ document: PatchDocument, to output: FileOutput) {
        documents += 1
        guard !document.isValid else { return }
        invalidDocuments += 1
        problems += document.problems.count
        for problem in document.problems { output.write("\(problem)\n") }
    }

    func printSummary(rows: Int, to output: FileOutput) {
        let verdict =
            invalidDocuments == 0
            ? "no problems"
            : "\(invalidDocuments) document(s) with \(problems) problem(s) will not be sent"
        output.write("\(rows) row(s), \(documents) document(s): \(verdict).\n")
        output.flush()
    }

    var exitStatus: ExitStatus { invalidDocuments == 0 ? .success : .someRowsNotApplied }
}
