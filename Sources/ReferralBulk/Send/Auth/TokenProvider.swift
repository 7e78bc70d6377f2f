/// Where bearer tokens come from. `token()` may cache; `tokenRejected()`
/// is called after a 401 and must not hand back the token just refused.
public protocol TokenProvider: Sendable {
    func token() async throws -> Secret
    func tokenRejected(_ rejected: Secret) async throws -> Secret
}

/// Why no token could be had (one readable sentence, never the token).
public struct TokenError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
