import Foundation

/// Where `apply` and `export` get their bearer token, chosen from the
/// command's token options: at most one of a variable, a file, a command
/// and a token endpoint; with none, `PARTNER_CENTER_TOKEN` when it is set,
/// else the profile's token cache (`referral-bulk login`). Options that
/// belong to another source than the one chosen are refused rather than
/// silently ignored.
package enum TokenSource: Sendable, Equatable {
    /// `--token-env`.
    case environment(variable: String)
    /// `--token-file`, re-read when it changes.
    case file(path: String)
    /// `--token-command`, run through the shell.
    case command(String)
    /// `--token-url` with `--client-id`; the secret and the refresh token are
    /// read from the named environment variables. A refresh token seeds the
    /// profile's cache (`cache`), where its rotations are kept.
    case oauth(url: String, clientID: String?, clientSecretVariable: String, refreshTokenVariable: String, cache: CacheLocation)
    /// The profile's token cache; `unlessVariable` (the default source) is
    /// used instead when it is set.
    case cache(CacheLocation, unlessVariable: String?)

    /// `--profile` and `--token-cache`.
    package struct CacheLocation: Sendable, Equatable {
        package var profile: String
        package var path: String?
        /// The command that fills the cache (default `referral-bulk login --profile NAME`).
        package var loginCommand: String?

        package init(profile: String? = nil, path: String? = nil, loginCommand: String? = nil) {
            self.profile = profile ?? TokenCacheFile.defaultProfile
            self.path = path
            self.loginCommand = loginCommand
        }

        package func file(environment: [String: String]) -> TokenCacheFile {
            TokenCacheFile(profile: profile, explicitPath: path, loginCommand: loginCommand, environment: environment)
        }
    }

    package static let defaultVariable = "PARTNER_CENTER_TOKEN"
    package static let defaultClientSecretVariable = "PARTNER_CENTER_CLIENT_SECRET"
    package static let defaultRefreshTokenVariable = "PARTNER_CENTER_REFRESH_TOKEN"
    /// The referral API's delegated scope, and a refresh token to go with it.
    package static let defaultScopes = ["https://api.partner.microsoft.com/user_impersonation", "offline_access"]

    /// Why the token options do not name one source.
    package enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// Two or more sources were given (their options, in the order of the help).
        case severalSources([String])
        /// `option` only means something with `--token-url`.
        case needsTokenURL(option: String)
        /// `--token-url` has neither a refresh token nor a client id and secret to use.
        case noOAuthCredentials(clientSecretVariable: String, refreshTokenVariable: String)

        package var description: String {
            switch self {
            case .severalSources(let options):
                "give one of --token-env, --token-file, --token-command, --token-url and --profile/--token-cache, not \(options.joined(separator: " and "))."
            case .needsTokenURL(let option):
                "\(option) is for --token-url, which is not given."
            case .noOAuthCredentials(let secret, let refresh):
                "--token-url needs a refresh token in \(refresh), or --client-id and a client secret in \(secret); neither is set."
            }
        }
    }

    /// The one source the options name (each nil when not given).
    package init(
        tokenEnv: String? = nil, tokenFile: String? = nil, tokenCommand: String? = nil, tokenURL: String? = nil,
        clientID: String? = nil, clientSecretEnv: String? = nil, refreshTokenEnv: String? = nil, profile: String? = nil,
        tokenCache: String? = nil
    ) throws(Refusal) {
        // --profile and --token-cache name the cache; with --token-url, the cache its refresh token seeds.
        let cacheOption = tokenURL == nil ? [profile.map { _ in "--profile" }, tokenCache.map { _ in "--token-cache" }].compactMap { $0 }.first : nil
        let given = [("--token-env", tokenEnv), ("--token-file", tokenFile), ("--token-command", tokenCommand), ("--token-url", tokenURL)]
            .filter { $0.1 != nil }.map(\.0) + (cacheOption.map { [$0] } ?? [])
        guard given.count <= 1 else { throw .severalSources(given) }
        if tokenURL == nil {
            for (option, value) in [("--client-id", clientID), ("--client-secret-env", clientSecretEnv), ("--refresh-token-env", refreshTokenEnv)]
            where value != nil {
                throw .needsTokenURL(option: option)
            }
        }
        let location = CacheLocation(profile: profile, path: tokenCache)
        self =
            if let tokenEnv { .environment(variable: tokenEnv) } else if let tokenFile { .file(path: tokenFile) } else if let tokenCommand {
                .command(tokenCommand)
            } else if let tokenURL {
                .oauth(
                    url: tokenURL, clientID: clientID, clientSecretVariable: clientSecretEnv ?? Self.defaultClientSecretVariable,
                    refreshTokenVariable: refreshTokenEnv ?? Self.defaultRefreshTokenVariable, cache: location)
            } else {
                .cache(location, unlessVariable: cacheOption == nil ? Self.defaultVariable : nil)
            }
    }

    /// The provider that hands out this source's tokens; `environment` is
    /// where variables are read (the process's, or a test's), `now` the
    /// token cache's clock in seconds since 1970 (a test's simulated nights).
    package func provider(
        client: ReferralAPIClient, environment: [String: String],
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) throws(Refusal) -> any TokenProvider {
        switch self {
        case .environment(let variable): return EnvironmentTokenProvider(name: variable, environment: environment)
        case .file(let path): return FileTokenProvider(path: path)
        case .command(let command): return CommandTokenProvider(command: command)
        case .cache(let location, let variable):
            if let variable, let value = environment[variable], !value.isEmpty {
                return EnvironmentTokenProvider(name: variable, environment: environment)
            }
            return CachedTokenProvider(file: location.file(environment: environment), client: client, now: now)
        case .oauth(let url, _, _, _, let location):
            let credentials = try credentials(environment: environment)!
            guard let refresh = credentials.refreshToken else { return OAuthTokenProvider(url: url, credentials: credentials, client: client) }
            return CachedTokenProvider(
                file: location.file(environment: environment), client: client, clientSecret: credentials.clientSecret,
                seed: .init(refreshToken: refresh, tokenURL: url, clientID: credentials.clientID, scopes: Self.defaultScopes), now: now)
        }
    }

    /// The OAuth2 credentials `environment` holds for `.oauth`; refused when
    /// no grant could be asked with them (nil for the other sources).
    package func credentials(environment: [String: String]) throws(Refusal) -> OAuthTokenProvider.Credentials? {
        guard case .oauth(_, let clientID, let secretVariable, let refreshVariable, _) = self else { return nil }
        let secret = environment[secretVariable].flatMap { $0.isEmpty ? nil : Secret($0) }
        let refresh = environment[refreshVariable].flatMap { $0.isEmpty ? nil : Secret($0) }
        guard refresh != nil || (clientID != nil && secret != nil) else {
            throw .noOAuthCredentials(clientSecretVariable: secretVariable, refreshTokenVariable: refreshVariable)
        }
        return OAuthTokenProvider.Credentials(clientID: clientID, clientSecret: secret, refreshToken: refresh)
    }
}
