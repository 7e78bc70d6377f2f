import ReferralSandbox
import ReferralSend

/// Everything a command needs before its first call, opened once and closed
/// once: the endpoint (or an embedded sandbox standing in for it), the HTTP
/// client, and the token provider the options chose, checked before any
/// report folder or journal exists (a missing or malformed token is exit 2
/// and leaves nothing behind).
package struct APIConnection: Sendable {
    /// What the command's options say about where calls go.
    package struct Settings: Sendable {
        package var endpoint: String
        package var tokenSource: TokenSource
        /// `--token-url`, checked by the same policy as the endpoint.
        package var tokenURL: String?
        /// `--sandbox`: an embedded sandbox instead of `endpoint`.
        package var sandbox: EmbeddedSandbox?
        /// With `sandbox`: which cache a `login --sandbox` filled (`--profile`, `--token-cache`).
        package var sandboxProfile: String?
        package var sandboxTokenCache: String?
        package var concurrency: Int
        package var timeout: Duration
        /// Where token variables are read (the process's, or a test's).
        package var environment: [String: String]

        package init(
            endpoint: String, tokenSource: TokenSource, tokenURL: String? = nil, sandbox: EmbeddedSandbox? = nil, sandboxProfile: String? = nil,
            sandboxTokenCache: String? = nil, concurrency: Int, timeout: Duration = .seconds(30), environment: [String: String]
        ) {
            self.endpoint = endpoint
            self.tokenSource = tokenSource
            self.tokenURL = tokenURL
            self.sandbox = sandbox
            self.sandboxProfile = sandboxProfile
            self.sandboxTokenCache = sandboxTokenCache
            self.concurrency = concurrency
            self.timeout = timeout
            self.environment = environment
        }
    }

    /// Why no connection was opened; each is one sentence and exit 2.
    package enum Failure: Error, Sendable, CustomStringConvertible {
        case sandbox(EmbeddedSandbox.SandboxStartFailure)
        case endpoint(EndpointPolicy.Refusal)
        case tokenOptions(TokenSource.Refusal)
        case token(TokenError)

        package var description: String {
            switch self {
            case .sandbox(let failure): failure.description
            case .endpoint(let refusal): refusal.description
            case .tokenOptions(let refusal): refusal.description
            case .token(let error): error.description
            }
        }
    }

    package let endpoint: String
    package let client: ReferralAPIClient
    package let tokens: any TokenProvider
    /// Whom the embedded sandbox's calls are made as, for the line the command prints; nil without `--sandbox`.
    package let sandboxIdentity: String?
    let embedded: RunningSandbox?

    /// Opens it; on failure whatever was started is stopped again.
    package static func open(_ settings: Settings) async throws(Failure) -> APIConnection {
        var embedded: RunningSandbox?
        var endpoint = settings.endpoint
        if let sandbox = settings.sandbox {
            do { embedded = try await sandbox.start() } catch { throw .sandbox(error) }
            endpoint = embedded!.baseURL
        }
        let client = ReferralAPIClient(concurrency: settings.concurrency, timeout: settings.timeout)
        let connection: APIConnection
        do throws(Failure) {
            do {
                endpoint = try EndpointPolicy.validate(endpoint)
                if let tokenURL = settings.tokenURL { _ = try EndpointPolicy.validate(tokenURL, name: "--token-url") }
            } catch { throw .endpoint(error) }
            let (tokens, identity) = try tokens(settings, embedded: embedded, client: client)
            connection = APIConnection(endpoint: endpoint, client: client, tokens: tokens, sandboxIdentity: identity, embedded: embedded)
        } catch {
            try? await client.shutdown()
            await embedded?.stop()
            throw error
        }
        do {
            try await connection.tokens.checkBeforeStart()
        } catch {
            await connection.close()
            throw .token(error)
        }
        return connection
    }

    /// The token provider, and for the sandbox whom it signs in as: the
    /// sandbox's sign-in from `login --sandbox` when its cache exists (its
    /// refreshes go to this run's sandbox, on whatever port it has now), else
    /// the sandbox's ready-made Referral Admin token.
    private static func tokens(
        _ settings: Settings, embedded: RunningSandbox?, client: ReferralAPIClient
    ) throws(Failure) -> (any TokenProvider, String?) {
        guard let embedded, let sandbox = settings.sandbox else {
            do { return (try settings.tokenSource.provider(client: client, environment: settings.environment), nil) } catch {
                throw .tokenOptions(error)
            }
        }
        let file = sandbox.tokenCache(profile: settings.sandboxProfile, path: settings.sandboxTokenCache).file(environment: settings.environment)
        let signedIn: TokenCache?
        do { signedIn = try file.read() } catch { throw .token(error) }
        guard let signedIn else { return (StaticTokenProvider(Secret(embedded.tokens[.referralAdmin]!)), "Referral Admin") }
        let provider = CachedTokenProvider(file: file, client: client, tokenURL: EmbeddedSandbox.tokenURL(baseURL: embedded.baseURL))
        return (provider, "signed in as \(signedIn.account ?? "an unnamed account") with login --sandbox; tokens in \(file.path)")
    }

    /// Shuts the client and the embedded sandbox down.
    package func close() async {
        try? await client.shutdown()
        await embedded?.stop()
    }
}
