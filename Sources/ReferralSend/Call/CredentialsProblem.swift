/// Why no token can be used, so the run must stop.
package enum CredentialsProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The token provider's own failure (a token file, the cache, the identity platform, MFA).
    case token(TokenError)
    /// A provider failed with another error; its text is not shown (it could quote a secret).
    case providerFailed
    /// Calls in a row were answered 401 even with a freshly fetched token.
    case everyTokenRejected

    /// A token provider's failure, in our words where it is not a `TokenError`.
    init(_ error: any Error) {
        self = (error as? TokenError).map(Self.token) ?? .providerFailed
    }

    package var description: String {
        switch self {
        case .token(let error): error.description
        case .providerFailed: "the token provider failed"
        case .everyTokenRejected: "every token was rejected (401), a freshly fetched one too"
        }
    }
}
