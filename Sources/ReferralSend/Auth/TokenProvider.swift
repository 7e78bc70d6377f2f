import ReferralOutcome

/// Where bearer tokens come from. `token()` may cache; `tokenRejected()`
/// is called after a 401 and must not hand back the token just refused.
/// Every token handed out has passed `BearerToken.parse`.
package protocol TokenProvider: Sendable {
    func token() async throws -> Secret
    func tokenRejected(_ rejected: Secret) async throws -> Secret
    /// Refuses, before anything is created or sent, a token that is
    /// already known to be missing or malformed (an unset variable, a token
    /// file with a second line): the command then exits 2, not 3.
    func checkBeforeStart() async throws(TokenError)
    /// When the person signed in and the refresh token was issued, for a
    /// source that keeps them (the token cache); nil for the others.
    func signInTimes() async -> SignInTimes?
}

extension TokenProvider {
    /// Tokens fetched from elsewhere (a command, a token endpoint) are checked when fetched.
    package func checkBeforeStart() async throws(TokenError) {}

    package func signInTimes() async -> SignInTimes? { nil }
}

/// Why no token could be had. The cases carry where the token was to come
/// from, never the token; `description` is one readable sentence.
package enum TokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The environment variable `name` is unset or empty.
    case variableNotSet(name: String)
    /// `source` (e.g. "the token file t") holds nothing but whitespace.
    case empty(source: String)
    /// `source` holds a token with a line break, space, control or non-ASCII character inside.
    case malformed(source: String)
    /// The token file cannot be read.
    case unreadableFile(path: String)
    /// The token command exited with a status other than 0.
    case commandExited(status: Int32)
    /// The token command was killed by a signal.
    case commandKilled(signal: Int32)
    /// The token command did not finish within its time limit.
    case commandTimedOut(after: Duration)
    /// The token command printed more than `limit` bytes.
    case commandOutputTooLong(limit: Int)
    /// The token command could not be started.
    case commandNotRun
    /// `--token-url` has neither a refresh token nor a client id and secret.
    case noOAuthCredentials
    /// The token endpoint gave no answer.
    case endpointUnreachable(TransportFailure)
    /// The token endpoint redirected (`reason` says where); redirects are not followed.
    case endpointRedirected(reason: String)
    /// The token endpoint answered the grant without a token.
    case grantRefused(grant: String, httpStatus: Int)
    /// After a 401: the token of the variable `name` cannot be replaced.
    case rejectedVariable(name: String)
    /// After a 401: the token file still holds the token refused.
    case rejectedFileUnchanged(path: String)
    /// After a 401: a fixed token cannot be replaced.
    case rejectedFixed
    /// After a 401: the token fetched anew is the one just refused.
    case refetchedTheRejectedToken
    /// The refresh token expired, was revoked or spent (`refusal` names the error and AADSTS codes).
    case signInAgain(login: String, refusal: String)
    /// The API said the token was issued without multi-factor authentication.
    case mfaRequired
    /// The identity platform refused an app-only grant (`refusal` names why).
    case appOnlyRefused(refusal: String)
    /// The profile has no token cache, and no other token was given (`login`: the command that signs in).
    case notSignedIn(login: String, path: String)
    /// Others may read or write the token cache (`mode`, as `stat` gives it).
    case cacheExposed(path: String, mode: UInt32)
    /// The token cache cannot be read, written or created.
    case cacheUnusable(path: String, reason: String)
    /// Another process held the token cache's lock for too long.
    case cacheLockTimedOut(path: String)

    package var description: String {
        switch self {
        case .variableNotSet(let name):
            "no token: the environment variable \(name) is not set; set it, or give --token-file, --token-command or --token-url, or rehearse with --sandbox"
        case .empty(let source): "\(source) holds no token"
        case .malformed(let source):
            "\(source) holds a token with a line break, space, control or non-ASCII character inside; a bearer token is one line of visible characters"
        case .unreadableFile(let path): "cannot read the token file \(path)"
        case .commandExited(let status): "the token command exited with status \(status)"
        case .commandKilled(let signal): "the token command was killed by signal \(signal)"
        case .commandTimedOut(let limit): "the token command did not finish within \(limit.components.seconds) s"
        case .commandOutputTooLong(let limit): "the token command printed more than \(limit / 1024) kB"
        case .commandNotRun: "the token command could not be run"
        case .noOAuthCredentials: "--token-url needs a refresh token or a client id and secret"
        case .endpointUnreachable(let failure): "the token endpoint did not answer (\(failure))"
        case .endpointRedirected(let reason): "the token endpoint \(reason)"
        case .grantRefused(let grant, let status): "the token endpoint refused the \(grant) grant (HTTP \(status))"
        case .rejectedVariable(let name): "the token in \(name) was rejected, and it cannot be refreshed"
        case .rejectedFileUnchanged(let path): "the token in \(path) was rejected and the file has not changed"
        case .rejectedFixed: "the token was rejected, and it cannot be refreshed"
        case .refetchedTheRejectedToken: "a freshly fetched token is the same one that was just rejected"
        case .signInAgain(let login, let refusal):
            "the refresh token has expired or was revoked (\(refusal)): sign in again: \(login)"
        case .mfaRequired:
            "this token was issued without multi-factor authentication; Partner Center requires MFA for App+User calls: sign in with referral-bulk login"
        case .appOnlyRefused(let refusal):
            "the identity platform refused the client_credentials grant (\(refusal)): the Partner Center referral API takes App+User tokens only; sign in with referral-bulk login"
        case .notSignedIn(let login, let path):
            "not signed in: there is no token cache \(path); sign in with \(login), or give a token (set PARTNER_CENTER_TOKEN, or --token-env, --token-file, --token-command, --token-url), or rehearse with --sandbox"
        case .cacheExposed(let path, let mode):
            "the token cache \(path) can be read or written by others (mode \(String(mode, radix: 8))); it is not used: chmod 600 \(path), or delete it and sign in again"
        case .cacheUnusable(let path, let reason): "the token cache \(path) cannot be used: \(reason)"
        case .cacheLockTimedOut(let path): "another process has held the token cache lock \(path) for 2 minutes; is a refresh stuck?"
        }
    }
}
