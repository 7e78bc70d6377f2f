import ArgumentParser
import Foundation
import ReferralRun
import ReferralSandbox

/// `--sandbox` for `login` and `logout`: the embedded sandbox's sign-ins,
/// kept in the state dir, instead of the real ones in `~/.config`.
struct SandboxSignInOptions: ParsableArguments {
    @Flag(help: "The embedded sandbox's sign-in (profile 'sandbox' unless --profile), kept in the state dir, not a real one.")
    var sandbox = false
    @Option(help: "With --sandbox: the state dir its sign-ins and referrals are kept in, as apply's (default .referral-bulk).")
    var stateDir = SandboxState.defaultDirectory

    /// The sign-in these options and `profile` name; throws when the state dir cannot be made (exit code 2).
    func configuration(_ profile: ProfileOptions) throws(CommandFailure) -> SignInRun.Configuration {
        do {
            let embedded = try sandbox ? EmbeddedSandbox(stateDirectory: stateDir) : nil
            return SignInRun.Configuration(
                profile: profile.profile, tokenCache: profile.tokenCache, sandbox: embedded, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw .unusable(error.description)
        }
    }
}
