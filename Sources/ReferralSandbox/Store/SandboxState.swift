import Glibc

/// Where the embedded sandbox (`--sandbox`) keeps what outlives one
/// command, in the state dir beside the journals, so a rehearsal's state and
/// its runs' journals live and are reset together: its referrals
/// (`sandbox-referrals.jsonl`), the sign-ins of its identity platform
/// (`sandbox-identity.json`) and the token cache a `login --sandbox` fills
/// (`sandbox-tokens/PROFILE.json`), kept apart from the real sign-ins in
/// `~/.config`.
package struct SandboxState: Sendable {
    /// The state dir when none is named (`--state-dir`): journals and the sandbox's state alike.
    package static let defaultDirectory = ".referral-bulk"

    package let directory: String

    /// The state dir, created (0700) when missing.
    package init(directory: String) throws {
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw SandboxStateFile.Failure.cannotCreateFolder(path: directory, errno: errno)
        }
        self.directory = directory
    }

    package var referralsPath: String { "\(directory)/sandbox-referrals.jsonl" }
    package var identityPath: String { "\(directory)/sandbox-identity.json" }
    package func tokenCachePath(profile: String) -> String { "\(directory)/sandbox-tokens/\(profile).json" }

    /// A configuration that keeps the referrals and sign-ins here.
    package func configuration(resetReferrals: Bool = false) -> SandboxConfiguration {
        var configuration = SandboxConfiguration()
        configuration.statePath = referralsPath
        configuration.identityPath = identityPath
        configuration.resetState = resetReferrals
        return configuration
    }
}
