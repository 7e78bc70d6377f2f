import ArgumentParser
import Glibc
import ReferralModel
import ReferralReport

@main
struct ReferralBulkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referral-bulk",
        abstract: "Apply mass updates to Partner Center referrals from a CSV file.",
        version: "0.3.0",
        subcommands: [ApplyCommand.self, PlanCommand.self, ValidateCommand.self, ExportCommand.self, LoginCommand.self, LogoutCommand.self, SandboxCommand.self]
    )

    /// Like ArgumentParser's own entry point, but a bad option exits 2
    /// ("the command could not run"), not 64, and a `CommandFailure` is
    /// printed as one sentence and exits with its status.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileOutput.standardError.write("referral-bulk: \(failure.sentence)\n")
            FileOutput.standardOutput.flush()
            Glibc.exit(failure.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileOutput.standardError.write(fullMessage(for: error) + "\n")
                Glibc.exit(ExitStatus.unusable.rawValue)
            }
            exit(withError: error)
        }
    }
}
