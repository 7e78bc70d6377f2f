/// Where bearer tokens come from. `token()` may cache; `tokenRejected()`
/// is called after a 401 and must not hand back the token just refused.
/// Every token handed out has passed `BearerToken.parse`.
public protocol TokenProvider: Sendable {
    func token() async throws -> Secret
    func tokenRejected(_ rejected: Secret) async throws -> Secret
    /// Refuses, before anything is created or sent, a token that is
    /// already known to be missing or malformed (an unset variable, a token
    /// file with a second line): the command then exits 2, not 3.
    func checkBeforeStart() async throws(TokenError)
}

extension TokenProvider {
    /// Tokens fetched from elsewhere (a command, a token endpoint) are checked when fetched.
    public func checkBeforeStart() async throws(TokenError) {}
}

/// Why no token could be had (one readable sentence, never the token).
public struct TokenError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
