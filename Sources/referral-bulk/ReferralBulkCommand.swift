import ArgumentParser
import ReferralModel
import ReferralPlan
import ReferralReport
import ReferralSend

import Glibc

@main
struct ReferralBulkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referral-bulk",
        abstract: "Apply mass updates to Partner Center referrals from a CSV file.",
        version: "0.3.0",
        subcommands: [ApplyCommand.self, PlanCommand.self, ValidateCommand.self, ExportCommand.self, LoginCommand.self, LogoutCommand.self, SandboxCommand.self]
    )

    /// Like ArgumentParser's own entry point, but a bad option exits 2
    /// (DESIGN.md's "could not run"), not 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
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

/// Prints one readable sentence and exits with DESIGN.md's code 2.
func failUnusable(_ sentence: String) -> Never { fail(sentence, status: .unusable) }

/// Prints one readable sentence and exits with `status`.
func fail(_ sentence: String, status: ExitStatus) -> Never {
    FileOutput.standardError.write("referral-bulk: \(sentence)\n")
    FileOutput.standardOutput.flush()
    exit(status.rawValue)
}
