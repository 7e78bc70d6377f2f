import ArgumentParser
import ReferralReport
import ReferralRun

struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "Delete the profile's token cache (the refresh token in it is forgotten here, not revoked).")

    @OptionGroup var profile: ProfileOptions
    @OptionGroup var rehearsal: SandboxSignInOptions

    func run() async throws {
        let signIn = SignInRun(configuration: try rehearsal.configuration(profile))
        do {
            let (deleted, path) = try signIn.signOut()
            FileOutput.standardError.write(deleted ? "signed out: deleted \(path)\n" : "not signed in: there is no \(path)\n")
        } catch {
            throw CommandFailure.unusable(error.description)
        }
    }
}
