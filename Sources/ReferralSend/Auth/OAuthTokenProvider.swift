import Foundation

/// Tokens from an OAuth2 token endpoint (`--token-url`) by the
/// `client_credentials` grant, renewed a minute before expiry and after a
/// 401, never two requests at once. A refresh token does not come here: it
/// rotates on every use, so it goes through a profile's token cache
/// (`CachedTokenProvider`), where no rotation is lost between runs.
package final class OAuthTokenProvider: TokenProvider {
    /// What `--token-url` was given: a client, its secret, a refresh token.
    package struct Credentials: Sendable {
        package var clientID: String?
        package var clientSecret: Secret?
        package var refreshToken: Secret?

        package init(clientID: String?, clientSecret: Secret?, refreshToken: Secret?) {
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.refreshToken = refreshToken
        }
    }

    private let renewal: TokenRenewal

    package init(url: String, credentials: Credentials, client: ReferralAPIClient) {
        let endpoint = TokenEndpoint(url: url, clientID: credentials.clientID, clientSecret: credentials.clientSecret, scope: nil, client: client)
        renewal = TokenRenewal { _ in try await Self.fetch(endpoint) }
    }

    package func token() async throws -> Secret { try await renewal.token() }

    package func tokenRejected(_ rejected: Secret) async throws -> Secret { try await renewal.rejected(rejected) }

    private static func fetch(_ endpoint: TokenEndpoint) async throws(TokenError) -> TokenRenewal.Fetched {
        switch try await endpoint.clientCredentials() {
        case .granted(let grant):
            // Renew a minute early, or a quarter of the lifetime for short-lived tokens.
            return .init(token: grant.accessToken, renewAt: .now + grant.lifetime - min(.seconds(60), grant.lifetime / 4))
        case .refused(let refusal):
            if refusal.refusesAppOnly { throw .appOnlyRefused(refusal: refusal.named) }
            throw .grantRefused(grant: refusal.grant, httpStatus: refusal.httpStatus)
        }
    }
}
