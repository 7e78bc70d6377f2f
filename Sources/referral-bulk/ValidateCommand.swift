import ArgumentParser
import ReferralRun

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the file only: exit 0 when clean, 1 when rows have problems, 2 when it cannot be used.",
        discussion: "Every problem is listed with its line, column, value, what is wrong and what would be right."
    )

    @OptionGroup var input: InputOptions

    func run() throws {
        try FileCheckRun(file: input.file, reading: input.reading, outputs: .validate).runThenExit()
    }
}
