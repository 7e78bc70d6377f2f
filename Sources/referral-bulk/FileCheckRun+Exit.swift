import ArgumentParser
import ReferralModel
import ReferralRun

extension FileCheckRun {
    /// Runs `plan` or `validate` and ends the command with the run's status
    /// (2, with the reason, when the file cannot be read).
    func runThenExit() throws {
        let status: ExitStatus
        do {
            status = try run()
        } catch {
            throw CommandFailure.unusable(error.description)
        }
        throw ExitCode(status.rawValue)
    }
}
