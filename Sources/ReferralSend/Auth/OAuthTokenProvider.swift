import Foundation
import Synchronization

/// Tokens from an OAuth2 token endpoint (`--token-url`): the
/// `refresh_token` grant when a refresh token is known, else
/// `client_credentials`. Renewed a minute before expiry, and after a 401;
/// never two requests to the endpoint at once (a refresh token is spent by
/// its first use), even for a token rejected right after it was issued.
public final class OAuthTokenProvider: TokenProvider {
    public struct Credentials: Sendable {
        public var clientID: String?
        public var clientSecret: Secret?
        public var refreshToken: Secret?

        public init(clientID: String?, clientSecret: Secret?, refreshToken: Secret?) {
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.refreshToken = refreshToken
        }
    }

    /// What a fetch needs; its credentials change only in the one running
    /// fetch (the latest refresh token).
    private final class Endpoint: Sendable {
        let url: String
        let client: ReferralAPIClient
        let credentials: Mutex<Credentials>

        init(url: String, client: ReferralAPIClient, credentials: Credentials) {
            self.url = url
            self.client = client
            self.credentials = Mutex(credentials)
        }
    }

    private let renewal: TokenRenewal

    public init(url: String, credentials: Credentials, client: ReferralAPIClient) {
        let endpoint = Endpoint(url: url, client: client, credentials: credentials)
        renewal = TokenRenewal { try await Self.fetch(endpoint) }
    }

    public func token() async throws -> Secret { try await renewal.token() }

    public func tokenRejected(_ rejected: Secret) async throws -> Secret { try await renewal.rejected(rejected) }

    private static func fetch(_ endpoint: Endpoint) async throws -> TokenRenewal.Fetched {
        do {
            return try await grant(endpoint, useRefreshToken: true)
        } catch {
            // A spent or revoked refresh token: client credentials, when given, still work.
            let canFallBack = endpoint.credentials.withLock { $0.refreshToken != nil && $0.clientSecret != nil }
            guard canFallBack else { throw error }
            endpoint.credentials.withLock { $0.refreshToken = nil }
            return try await grant(endpoint, useRefreshToken: false)
        }
    }

    private static func grant(_ endpoint: Endpoint, useRefreshToken: Bool) async throws(TokenError) -> TokenRenewal.Fetched {
        let credentials = endpoint.credentials.withLock { $0 }
        var fields: [(String, String)]
        if useRefreshToken, let refresh = credentials.refreshToken {
            fields = [("grant_type", "refresh_token"), ("refresh_token", refresh.revealed)]
        } else if let id = credentials.clientID, let secret = credentials.clientSecret {
            fields = [("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret.revealed)]
        } else {
            throw .noOAuthCredentials
        }
        if let id = credentials.clientID, credentials.refreshToken != nil { fields.append(("client_id", id)) }
        let response: APIResponse
        do {
            response = try await endpoint.client.postForm(url: endpoint.url, fields: fields)
        } catch {
            throw .endpointUnreachable(TransportFailure(error))
        }
        if let redirect = AnswerCheck.redirect(response) { throw .endpointRedirected(reason: redirect) }
        guard response.status == 200, let json = response.json, let access = json["access_token"]?.stringValue else {
            throw .grantRefused(grant: fields[0].1, httpStatus: response.status)
        }
        let token = try BearerToken.parse(access, from: "the token endpoint's access_token")
        let lifetime = TokenRenewal.lifetime(json["expires_in"]) ?? .seconds(3600)
        if let refresh = json["refresh_token"]?.stringValue { endpoint.credentials.withLock { $0.refreshToken = Secret(refresh) } }
        // Renew a minute early, or a quarter of the lifetime for short-lived tokens.
        return .init(token: token, renewAt: .now + lifetime - min(.seconds(60), lifetime / 4))
    }
}
