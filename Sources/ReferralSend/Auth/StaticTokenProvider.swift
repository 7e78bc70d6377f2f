/// A token known up front that cannot be refreshed (the embedded sandbox's).
package struct StaticTokenProvider: TokenProvider {
    private let value: Secret

    package init(_ value: Secret) { self.value = value }

    package func token() async throws -> Secret { value }

    package func tokenRejected(_ rejected: Secret) async throws -> Secret {
        throw TokenError.rejectedFixed
    }
}
