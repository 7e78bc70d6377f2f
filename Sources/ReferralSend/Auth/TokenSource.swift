/// Where `apply` and `export` get their bearer token, chosen from the
/// command's token options: at most one of a file, a command and a token
/// endpoint, else an environment variable. Options that belong to another
/// source than the one chosen are refused rather than silently ignored.
public enum TokenSource: Sendable, Equatable {
    /// `--token-env` (default `PARTNER_CENTER_TOKEN`).
    case environment(variable: String)
    /// `--token-file`, re-read when it changes.
    case file(path: String)
    /// `--token-command`, run through the shell.
    case command(String)
    /// `--token-url` with `--client-id`; the secret and the refresh token are
    /// read from the named environment variables.
    case oauth(url: String, clientID: String?, clientSecretVariable: String, refreshTokenVariable: String)

    public static let defaultVariable = "PARTNER_CENTER_TOKEN"
    public static let defaultClientSecretVariable = "PARTNER_CENTER_CLIENT_SECRET"
    public static let defaultRefreshTokenVariable = "PARTNER_CENTER_REFRESH_TOKEN"

    /// Why the token options do not name one source.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// Two or more sources were given (their options, in the order of the help).
        case severalSources([String])
        /// `option` only means something with `--token-url`.
        case needsTokenURL(option: String)
        /// `--token-url` has neither a refresh token nor a client id and secret to use.
        case noOAuthCredentials(clientSecretVariable: String, refreshTokenVariable: String)

        public var description: String {
            switch self {
            case .severalSources(let options):
                "give one of --token-env, --token-file, --token-command and --token-url, not \(options.joined(separator: " and "))."
            case .needsTokenURL(let option):
                "\(option) is for --token-url, which is not given."
            case .noOAuthCredentials(let secret, let refresh):
                "--token-url needs a refresh token in \(refresh), or --client-id and a client secret in \(secret); neither is set."
            }
        }
    }

    /// The one source the options name (each nil when not given).
    public init(
        tokenEnv: String? = nil, tokenFile: String? = nil, tokenCommand: String? = nil, tokenURL: String? = nil,
        clientID: String? = nil, clientSecretEnv: String? = nil, refreshTokenEnv: String? = nil
    ) throws(Refusal) {
        let given = [("--token-env", tokenEnv), ("--token-file", tokenFile), ("--token-command", tokenCommand), ("--token-url", tokenURL)]
            .filter { $0.1 != nil }.map(\.0)
        guard given.count <= 1 else { throw .severalSources(given) }
        if tokenURL == nil {
            for (option, value) in [("--client-id", clientID), ("--client-secret-env", clientSecretEnv), ("--refresh-token-env", refreshTokenEnv)]
            where value != nil {
                throw .needsTokenURL(option: option)
            }
        }
        self =
            if let tokenFile { .file(path: tokenFile) } else if let tokenCommand { .command(tokenCommand) } else if let tokenURL {
                .oauth(
                    url: tokenURL, clientID: clientID, clientSecretVariable: clientSecretEnv ?? Self.defaultClientSecretVariable,
                    refreshTokenVariable: refreshTokenEnv ?? Self.defaultRefreshTokenVariable)
            } else {
                .environment(variable: tokenEnv ?? Self.defaultVariable)
            }
    }

    /// The provider that hands out this source's tokens; `environment` is
    /// where variables are read (the process's, or a test's).
    public func provider(client: ReferralAPIClient, environment: [String: String]) throws(Refusal) -> any TokenProvider {
        switch self {
        case .environment(let variable): EnvironmentTokenProvider(name: variable, environment: environment)
        case .file(let path): FileTokenProvider(path: path)
        case .command(let command): CommandTokenProvider(command: command)
        case .oauth(let url, let clientID, let secretVariable, let refreshVariable):
            OAuthTokenProvider(
                url: url,
                credentials: try Self.credentials(
                    clientID: clientID, secretVariable: secretVariable, refreshVariable: refreshVariable, environment: environment),
                client: client)
        }
    }

    /// The OAuth2 credentials `environment` holds for `.oauth`; refused when
    /// no grant could be asked with them (nil for the other sources).
    public func credentials(environment: [String: String]) throws(Refusal) -> OAuthTokenProvider.Credentials? {
        guard case .oauth(_, let clientID, let secretVariable, let refreshVariable) = self else { return nil }
        return try Self.credentials(clientID: clientID, secretVariable: secretVariable, refreshVariable: refreshVariable, environment: environment)
    }

    private static func credentials(
        clientID: String?, secretVariable: String, refreshVariable: String, environment: [String: String]
    ) throws(Refusal) -> OAuthTokenProvider.Credentials {
        let secret = environment[secretVariable].flatMap { $0.isEmpty ? nil : Secret($0) }
        let refresh = environment[refreshVariable].flatMap { $0.isEmpty ? nil : Secret($0) }
        guard refresh != nil || (clientID != nil && secret != nil) else {
            throw .noOAuthCredentials(clientSecretVariable: secretVariable, refreshTokenVariable: refreshVariable)
        }
        return OAuthTokenProvider.Credentials(clientID: clientID, clientSecret: secret, refreshToken: refresh)
    }
}
