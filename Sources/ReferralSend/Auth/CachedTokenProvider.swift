import Foundation
import ReferralOutcome

/// Tokens from a profile's token cache (`referral-bulk login`, or a refresh
/// token from the environment that seeds it). The access token on file is
/// used while it lasts; otherwise, holding the cache's lock, the refresh
/// grant is asked and the rotated refresh token written to disk before the
/// new access token is handed out. Whoever waited for the lock finds the
/// fresh access token on file and uses it: four shards refreshing at once
/// make one rotation.
package final class CachedTokenProvider: TokenProvider {
    /// A refresh token given in the environment (`--token-url` with
    /// `PARTNER_CENTER_REFRESH_TOKEN`): it starts the cache, or, when the
    /// cache grew from this very token, the cache's newest rotation is used.
    package struct Seed: Sendable {
        package var refreshToken: Secret
        package var tokenURL: String
        package var clientID: String?
        package var scopes: [String]

        package init(refreshToken: Secret, tokenURL: String, clientID: String?, scopes: [String]) {
            self.refreshToken = refreshToken
            self.tokenURL = tokenURL
            self.clientID = clientID
            self.scopes = scopes
        }
    }

    package let file: TokenCacheFile
    private let renewal: TokenRenewal

    /// `now` is seconds since 1970 (a test's simulated nights); `tokenURL`
    /// replaces the cache's token endpoint (an embedded sandbox listens on a
    /// new port each run).
    package init(
        file: TokenCacheFile, client: ReferralAPIClient, clientSecret: Secret? = nil, seed: Seed? = nil, tokenURL: String? = nil,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.file = file
        seeded = seed != nil
        renewal = TokenRenewal { rejected in
            try await Self.fetch(
                file: file, client: client, clientSecret: clientSecret, seed: seed, tokenURL: tokenURL, now: now, rejected: rejected)
        }
    }

    package func token() async throws -> Secret { try await renewal.token() }

    package func tokenRejected(_ rejected: Secret) async throws -> Secret { try await renewal.rejected(rejected) }

    /// A cache that is missing or others can read is exit 2 before anything starts.
    package func checkBeforeStart() async throws(TokenError) {
        if try file.read() == nil, !seeded { throw .notSignedIn(login: file.loginCommand, path: file.path) }
    }

    private let seeded: Bool

    package func signInTimes() async -> SignInTimes? {
        guard let cache = try? file.read() else { return nil }
        return SignInTimes(signedIn: cache.signedIn, refreshIssued: cache.refreshIssued)
    }

    private static func fetch(
        file: TokenCacheFile, client: ReferralAPIClient, clientSecret: Secret?, seed: Seed?, tokenURL: String?,
        now: @Sendable () -> Int64, rejected: Secret?
    ) async throws -> TokenRenewal.Fetched {
        try await file.locked {
            let seconds = now()
            guard let cache = try current(file: file, seed: seed, at: seconds) else {
                throw TokenError.notSignedIn(login: file.loginCommand, path: file.path)
            }
            // Another process (or task) refreshed while this one waited for the lock.
            if let access = cache.accessToken(at: seconds), access != rejected {
                return fetched(access, expires: cache.accessExpires!, now: seconds)
            }
            let endpoint = TokenEndpoint(
                url: tokenURL ?? cache.tokenURL, clientID: cache.clientID, clientSecret: clientSecret,
                scope: cache.scopes.isEmpty ? nil : cache.scopes.joined(separator: " "), client: client)
            switch try await endpoint.refresh(cache.refreshToken) {
            case .granted(let grant):
                let next = cache.rotated(by: grant, at: seconds)
                // On disk before it is used: the old refresh token is spent.
                try file.write(next)
                return fetched(grant.accessToken, expires: next.accessExpires!, now: seconds)
            case .refused(let refusal):
                if refusal.needsSignIn { throw TokenError.signInAgain(login: file.loginCommand, refusal: refusal.named) }
                throw TokenError.grantRefused(grant: refusal.grant, httpStatus: refusal.httpStatus)
            }
        }
    }

    /// The cache to refresh from: the file's, unless the environment's seed is new to it.
    private static func current(file: TokenCacheFile, seed: Seed?, at now: Int64) throws -> TokenCache? {
        let onFile = try file.read()
        guard let seed else { return onFile }
        let hash = TokenCacheFile.hash(seed.refreshToken)
        if let onFile, onFile.seedHash == hash { return onFile }
        // Issued at an unknown time: counted from now, the earliest it could lapse is later than it may.
        return TokenCache(
            tokenURL: seed.tokenURL, tenant: nil, clientID: seed.clientID, scopes: seed.scopes, account: nil,
            refreshToken: seed.refreshToken, refreshIssued: now, signedIn: now, seedHash: hash)
    }

    /// Renew a minute early, or a quarter of the lifetime for short-lived tokens.
    private static func fetched(_ token: Secret, expires: Int64, now: Int64) -> TokenRenewal.Fetched {
        let lifetime = Duration.seconds(max(expires - now, 0))
        return .init(token: token, renewAt: .now + lifetime - min(.seconds(60), lifetime / 4))
    }
}
