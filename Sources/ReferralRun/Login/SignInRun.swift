import Foundation
import ReferralModel
import ReferralSandbox
import ReferralSend

/// `referral-bulk login` as a run: the device authorization grant against
/// the identity platform (or the embedded sandbox's, which approves the
/// sign-in itself), its tokens kept in the profile's cache. The person's
/// part (open a URL, enter a code) is shown through `show`; a cancelled
/// task (Ctrl-C) ends it as not signed in.
package struct SignInRun: Sendable {
    package struct Configuration: Sendable {
        /// Default: the profile's, for a second sign-in to the same tenant.
        package var tenant: String?
        package var clientID: String?
        package var authority = DeviceCodeSignIn.defaultAuthority
        package var scopes = TokenSource.defaultScopes
        package var clientSecret: Secret?
        package var cache: TokenSource.CacheLocation
        /// `--sandbox`: sign in to the embedded sandbox; its cache lives in the state dir.
        package var sandbox: EmbeddedSandbox?
        package var environment: [String: String]

        /// With `sandbox`, the cache is the sandbox's of `profile` (and `--token-cache` `path`), else the real one.
        package init(profile: String?, tokenCache: String?, sandbox: EmbeddedSandbox?, environment: [String: String]) {
            cache = sandbox?.tokenCache(profile: profile, path: tokenCache) ?? TokenSource.CacheLocation(profile: profile, path: tokenCache)
            self.sandbox = sandbox
            self.environment = environment
        }

        var file: TokenCacheFile { cache.file(environment: environment) }
    }

    /// Why nobody is signed in afterwards; `exitStatus` says how the command ends.
    package enum Failure: Error, Sendable, CustomStringConvertible {
        case cache(TokenError)
        case sandbox(EmbeddedSandbox.SandboxStartFailure)
        case noTenant
        case noClientID
        case signIn(DeviceCodeSignIn.Failure)

        package var description: String {
            switch self {
            case .cache(let error): error.description
            case .sandbox(let failure): failure.description
            case .noTenant: "give --tenant: the directory (tenant) ID or domain to sign in to."
            case .noClientID: "give --client-id: the application (client) ID of the partner's app registration."
            case .signIn(let failure): failure.description
            }
        }

        /// 2 for what the options or the cache's file got wrong; 3 for a sign-in that did not happen.
        package var exitStatus: ExitStatus {
            switch self {
            case .cache, .sandbox, .noTenant, .noClientID: .unusable
            case .signIn: .aborted
            }
        }
    }

    /// Who signed in, and where the tokens are.
    package struct SignedIn: Sendable, CustomStringConvertible {
        package var account: String?
        package var tenant: String
        package var cachePath: String
        package var sandbox: Bool

        package var description: String {
            let line = "signed in as \(account ?? "an unnamed account") to \(tenant); tokens kept in \(cachePath)"
            return sandbox ? line + "\nrehearse a night against the sandbox: referral-bulk apply FILE --sandbox" : line
        }
    }

    package let configuration: Configuration

    package init(configuration: Configuration) { self.configuration = configuration }

    /// What `login --status` prints for the configured cache at `now` (seconds since 1970), and whether someone is signed in.
    package func status(now: Int64 = Int64(Date().timeIntervalSince1970)) throws(Failure) -> (lines: [String], signedIn: Bool) {
        let file = configuration.file
        let report: SignInStatus
        do { report = SignInStatus(file: file, cache: try file.read(), now: now) } catch { throw .cache(error) }
        return (report.lines, report.signedIn)
    }

    /// Deletes the configured cache (`logout`): whether there was one, and its path.
    package func signOut() throws(Failure) -> (deleted: Bool, path: String) {
        let file = configuration.file
        do { return (try file.delete(), file.path) } catch { throw .cache(error) }
    }

    /// Signs in; `show` gets the identity platform's message (the URL and the code).
    package func run(show: @Sendable (String) -> Void) async throws(Failure) -> SignedIn {
        let file = configuration.file
        let existing: TokenCache?
        do { existing = try file.read() } catch { throw .cache(error) }
        let embedded: RunningSandbox?
        let authority: String, tenant: String, clientID: String
        if let sandbox = configuration.sandbox {
            do { embedded = try await sandbox.start(autoApprove: true) } catch { throw .sandbox(error) }
            (authority, tenant, clientID) = (embedded!.baseURL, EmbeddedSandbox.tenant, embedded!.clientID)
        } else {
            guard let named = configuration.tenant ?? existing?.tenant else { throw .noTenant }
            guard let client = configuration.clientID ?? existing?.clientID else { throw .noClientID }
            embedded = nil
            (authority, tenant, clientID) = (configuration.authority, named, client)
        }
        let client = ReferralAPIClient(concurrency: 1)
        let signIn = DeviceCodeSignIn(
            authority: authority, tenant: tenant, clientID: clientID, clientSecret: configuration.clientSecret,
            scopes: configuration.scopes, client: client)
        let result: Result<TokenCache, DeviceCodeSignIn.Failure>
        do {
            let authorization = try await signIn.start()
            show(authorization.message)
            result = .success(try await signIn.finish(authorization, into: file))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        await embedded?.stop()
        switch result {
        case .success(let cache):
            return SignedIn(account: cache.account, tenant: tenant, cachePath: file.path, sandbox: configuration.sandbox != nil)
        case .failure(let failure):
            throw .signIn(failure)
        }
    }
}
