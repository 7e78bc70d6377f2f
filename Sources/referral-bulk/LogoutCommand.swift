import ArgumentParser
import ReferralReport
import ReferralSend

struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "Delete the profile's token cache (the refresh token in it is forgotten here, not revoked).")

    @OptionGroup var profile: ProfileOptions

    func run() async throws {
        let file = profile.file
        do {
            let deleted = try file.delete()
            FileOutput.standardError.write(deleted ? "signed out: deleted \(file.path)\n" : "not signed in: there is no \(file.path)\n")
        } catch {
            failUnusable("\(error)")
        }
    }
}
