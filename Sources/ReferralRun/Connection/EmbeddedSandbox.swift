import ReferralSandbox
import ReferralSend

/// The sandbox `--sandbox` starts inside a command: a real server on a free
/// loopback port that ends with the command. What it has to remember between
/// commands lives in the state dir (`SandboxState`): its referrals, the
/// sign-ins of its identity platform, and the token cache `login --sandbox`
/// fills. So `login --sandbox`, then `apply --sandbox` night after night,
/// rehearses the whole sign-in (device code, refreshes that rotate the
/// refresh token) from any folder, and never touches the real sign-ins in
/// `~/.config`.
package struct EmbeddedSandbox: Sendable {
    /// The profile a `login --sandbox` signs in to when none is named.
    package static let defaultProfile = "sandbox"
    /// The tenant the sandbox's sign-ins go to (its identity routes take any).
    package static let tenant = "sandbox"

    package var state: SandboxState
    /// Seed referrals (`--sandbox-seed`); nil: the built-in samples.
    package var seedPath: String?
    /// Start the referrals over from the seed (`--sandbox-reset`); the sign-ins stay.
    package var resetReferrals = false

    package init(stateDirectory: String, seedPath: String? = nil, resetReferrals: Bool = false) throws(SandboxStartFailure) {
        do { state = try SandboxState(directory: stateDirectory) } catch { throw .init(reason: "\(error)") }
        self.seedPath = seedPath
        self.resetReferrals = resetReferrals
    }

    /// Why the embedded sandbox did not start.
    package struct SandboxStartFailure: Error, Sendable, CustomStringConvertible {
        package var reason: String
        package var description: String { "the embedded sandbox did not start: \(reason)" }
    }

    /// The token cache of `profile` (default `sandbox`) in the state dir, or `path` when given.
    package func tokenCache(profile: String?, path: String?) -> TokenSource.CacheLocation {
        let profile = profile ?? Self.defaultProfile
        var login = "referral-bulk login --sandbox"
        if profile != Self.defaultProfile { login += " --profile \(profile)" }
        if state.directory != SandboxState.defaultDirectory { login += " --state-dir \(state.directory)" }
        if let path { login += " --token-cache \(path)" }
        return TokenSource.CacheLocation(profile: profile, path: path ?? state.tokenCachePath(profile: profile), loginCommand: login)
    }

    /// Starts it; `autoApprove` approves every device code at once, as the person in the browser would.
    func start(autoApprove: Bool = false) async throws(SandboxStartFailure) -> RunningSandbox {
        var configuration = state.configuration(resetReferrals: resetReferrals)
        configuration.autoApprove = autoApprove
        do {
            let seed = try seedPath.map(SeedReferrals.load(path:)) ?? SeedReferrals.samples
            return try await SandboxServer.start(configuration, referrals: seed)
        } catch {
            throw .init(reason: "\(error)")
        }
    }

    /// Its identity platform's token endpoint while it listens at `baseURL`.
    static func tokenURL(baseURL: String) -> String { DeviceCodeSignIn.tokenURL(authority: baseURL, tenant: tenant) }
}
