/// A token known up front that cannot be refreshed (the embedded sandbox's).
public struct StaticTokenProvider: TokenProvider {
    private let value: Secret

    public init(_ value: Secret) { self.value = value }

    public func token() async throws -> Secret { value }

    public func tokenRejected(_ rejected: Secret) async throws -> Secret {
        throw TokenError.rejectedFixed
    }
}
