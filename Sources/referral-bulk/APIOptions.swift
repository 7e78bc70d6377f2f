import ArgumentParser
import Foundation
import Logging
import ReferralReport
import ReferralRun
import ReferralSandbox
import ReferralSend

/// The options every command that talks to the API shares: where it is,
/// where the token comes from, how hard to push and retry, and the
/// embedded sandbox that stands in for it.
struct APIOptions: ParsableArguments {
    @Option(help: "Optional cap on requests per second; without it the pace follows the API's limit, found as it goes.")
    var maxRps: Double?
    @Option(
        help: "Longest Retry-After to wait for, e.g. 120s; a call asked to wait longer fails.",
        transform: parseDuration(within: .zero ... .seconds(86_400)))
    var maxRetryAfter: Duration = .seconds(120)
    @Option(help: "The API's base URL.") var endpoint = "https://api.partner.microsoft.com"
    @Option(help: "Environment variable holding the bearer token (default \(TokenSource.defaultVariable)).") var tokenEnv: String?
    @Option(help: "File holding the bearer token (re-read when it changes).") var tokenFile: String?
    @Option(help: "Command printing a token, or {\"access_token\",\"expires_in\"} JSON.") var tokenCommand: String?
    @Option(help: "OAuth2 token endpoint (client credentials, or a refresh token from the environment that seeds the profile's token cache).")
    var tokenUrl: String?
    @Option(help: "OAuth2 client id, with --token-url.") var clientId: String?
    @Option(help: "Environment variable holding the OAuth2 client secret (default \(TokenSource.defaultClientSecretVariable)).")
    var clientSecretEnv: String?
    @Option(help: "Environment variable holding an OAuth2 refresh token (default \(TokenSource.defaultRefreshTokenVariable)).")
    var refreshTokenEnv: String?
    @OptionGroup var profile: ProfileOptions
    @Option(help: "Attempts per call, the first included.") var maxAttempts = 6
    @Option(help: "Time limit of one request attempt, answer body included, e.g. 30s (100ms to 1h).", transform: parseDuration(within: .milliseconds(100) ... .seconds(3600)))
    var timeout: Duration = .seconds(30)
    @Flag(help: "Run against an embedded sandbox on a free loopback port instead of the API.") var sandbox = false
    @Option(help: "Seed referrals for --sandbox (default: the built-in samples, the same as samples/referrals.json).") var sandboxSeed: String?
    @Flag(help: "Start --sandbox's referrals over from the seed (they persist in the state dir between runs).") var sandboxReset = false
    @Option(help: "Folder of the journals that let a re-run resume, and of --sandbox's referrals (default .referral-bulk).")
    var stateDir = SandboxState.defaultDirectory
    @Option(help: "Log level: trace, debug, info, notice, warning, error.", transform: parseNamed { Logger.Level(rawValue: $0.lowercased()) })
    var logLevel: Logger.Level = .warning

    func validate() throws {
        if let maxRps, !(maxRps > 0 && maxRps.isFinite) { throw ValidationError("--max-rps must be a positive number.") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1.") }
        do { _ = try tokenSource } catch { throw ValidationError(error.description) }
    }

    /// Where the token comes from (the choice and its refusals live in the library).
    var tokenSource: TokenSource {
        get throws(TokenSource.Refusal) {
            try TokenSource(
                tokenEnv: tokenEnv, tokenFile: tokenFile, tokenCommand: tokenCommand, tokenURL: tokenUrl, clientID: clientId,
                clientSecretEnv: clientSecretEnv, refreshTokenEnv: refreshTokenEnv, profile: profile.profile, tokenCache: profile.tokenCache)
        }
    }

    /// Attempts per call and the longest wait a server may ask for.
    var retryPolicy: RetryPolicy { RetryPolicy(maxAttempts: maxAttempts, maxRetryAfter: maxRetryAfter) }

    var logger: Logger {
        var logger = Logger(label: "referral-bulk") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = logLevel
        return logger
    }

    /// The connection these options describe, opened (the embedded sandbox
    /// started, the endpoint and token checked), or the reason it cannot be (exit code 2).
    func connect(concurrency: Int) async throws(CommandFailure) -> APIConnection {
        let connection: APIConnection
        do {
            let tokenSource = try tokenSource
            let sandbox = try self.sandbox ? EmbeddedSandbox(stateDirectory: stateDir, seedPath: sandboxSeed, resetReferrals: sandboxReset) : nil
            connection = try await APIConnection.open(
                .init(
                    endpoint: endpoint, tokenSource: tokenSource, tokenURL: tokenUrl, sandbox: sandbox, sandboxProfile: profile.profile,
                    sandboxTokenCache: profile.tokenCache, concurrency: concurrency, timeout: timeout,
                    environment: ProcessInfo.processInfo.environment))
        } catch {
            throw .unusable("\(error)")
        }
        if let identity = connection.sandboxIdentity { FileOutput.standardError.write("sandbox: \(connection.endpoint) (\(identity))\n") }
        return connection
    }
}
