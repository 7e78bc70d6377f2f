import Foundation
import Synchronization

/// Tokens from an OAuth2 token endpoint (`--token-url`): the
/// `refresh_token` grant when a refresh token is known, else
/// `client_credentials`. Renewed a minute before expiry, and after a 401.
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

    private let url: String
    private let client: ReferralAPIClient
    private struct State {
        var credentials: Credentials
        var token: Secret?
        var renewAt: ContinuousClock.Instant = .now
        /// One fetch at a time: workers that find the token stale wait for it
        /// (a refresh token is spent by its first use).
        var fetching: Task<Secret, any Error>?
    }

    private let state: Mutex<State>

    public init(url: String, credentials: Credentials, client: ReferralAPIClient) {
        self.url = url
        self.client = client
        state = Mutex(State(credentials: credentials))
    }

    public func token() async throws -> Secret {
        if let token = state.withLock({ $0.renewAt > .now ? $0.token : nil }) { return token }
        return try await fetchOnce(replacing: nil)
    }

    public func tokenRejected(_ rejected: Secret) async throws -> Secret {
        try await fetchOnce(replacing: rejected)
    }

    private func fetchOnce(replacing rejected: Secret?) async throws -> Secret {
        let task = state.withLock { state -> Task<Secret, any Error> in
            if let fetching = state.fetching { return fetching }
            let task = Task { try await self.fetch() }
            state.fetching = task
            return task
        }
        defer { state.withLock { if $0.fetching == task { $0.fetching = nil } } }
        let token = try await task.value
        // Another worker's fetch may have finished before this 401 came back: fetch anew.
        if let rejected, token == rejected {
            state.withLock { $0.fetching = nil }
            return try await fetch()
        }
        return token
    }

    private func fetch() async throws -> Secret {
        do {
            return try await grant(useRefreshToken: true)
        } catch let error as TokenError {
            // A spent or revoked refresh token: client credentials, when given, still work.
            let canFallBack = state.withLock { $0.credentials.refreshToken != nil && $0.credentials.clientSecret != nil }
            guard canFallBack else { throw error }
            state.withLock { $0.credentials.refreshToken = nil }
            return try await grant(useRefreshToken: false)
        }
    }

    private func grant(useRefreshToken: Bool) async throws -> Secret {
        let credentials = state.withLock { $0.credentials }
        var fields: [(String, String)]
        if useRefreshToken, let refresh = credentials.refreshToken {
            fields = [("grant_type", "refresh_token"), ("refresh_token", refresh.revealed)]
        } else if let id = credentials.clientID, let secret = credentials.clientSecret {
            fields = [("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret.revealed)]
        } else {
            throw TokenError("--token-url needs a refresh token or a client id and secret")
        }
        if let id = credentials.clientID, credentials.refreshToken != nil { fields.append(("client_id", id)) }
        let response: APIResponse
        do {
            response = try await client.postForm(url: url, fields: fields)
        } catch {
            throw TokenError("the token endpoint did not answer")
        }
        guard response.status == 200, let json = response.json, let access = json["access_token"]?.stringValue else {
            throw TokenError("the token endpoint refused the \(fields[0].1) grant (HTTP \(response.status))")
        }
        var lifetime: Duration = .seconds(3600)
        if case .number(let seconds)? = json["expires_in"] { lifetime = .seconds(NSDecimalNumber(decimal: seconds).int64Value) }
        let token = Secret(access)
        // Renew a minute early, or a quarter of the lifetime for short-lived tokens.
        let margin = min(.seconds(60), lifetime / 4)
        state.withLock { state in
            state.token = token
            state.renewAt = .now + lifetime - margin
            if let refresh = json["refresh_token"]?.stringValue { state.credentials.refreshToken = Secret(refresh) }
        }
        return token
    }
}
