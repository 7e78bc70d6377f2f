import Foundation
import ReferralModel

/// What one profile's token cache holds: enough to refresh unattended
/// (the token endpoint, client, scopes and the newest refresh token) and
/// to tell a person where they stand (who signed in, when, how long the
/// access token lasts). Times are seconds since 1970, UTC.
package struct TokenCache: Sendable, Equatable {
    package var tokenURL: String
    package var tenant: String?
    package var clientID: String?
    package var scopes: [String]
    package var account: String?
    package var refreshToken: Secret
    /// When the refresh token on file was issued: an unused one lapses after `refreshLifetime`.
    package var refreshIssued: Int64
    /// When the person signed in: rotations keep the sign-in, and its age is what to watch.
    package var signedIn: Int64
    package var accessToken: Secret?
    package var accessExpires: Int64?
    /// SHA-256 of the refresh token from the environment this cache grew
    /// from: the same variable on the next night means "use the newest
    /// rotation"; another value means "start afresh from it".
    package var seedHash: String?

    /// The identity platform's refresh tokens last 90 days (and an unused one lapses then).
    package static let refreshLifetime: Int64 = 90 * 86_400

    package init(
        tokenURL: String, tenant: String?, clientID: String?, scopes: [String], account: String?, refreshToken: Secret,
        refreshIssued: Int64, signedIn: Int64? = nil, accessToken: Secret? = nil, accessExpires: Int64? = nil, seedHash: String? = nil
    ) {
        self.tokenURL = tokenURL
        self.tenant = tenant
        self.clientID = clientID
        self.scopes = scopes
        self.account = account
        self.refreshToken = refreshToken
        self.refreshIssued = refreshIssued
        self.signedIn = signedIn ?? refreshIssued
        self.accessToken = accessToken
        self.accessExpires = accessExpires
        self.seedHash = seedHash
    }

    /// The access token, when it is good for at least `margin` more seconds at `now`.
    package func accessToken(at now: Int64, margin: Int64 = 60) -> Secret? {
        guard let accessToken, let accessExpires, accessExpires - margin > now else { return nil }
        return accessToken
    }

    /// This cache after `grant` at `now`: the rotated refresh token kept (the old one is spent).
    package func rotated(by grant: TokenGrant, at now: Int64) -> TokenCache {
        var next = self
        if let refresh = grant.refreshToken {
            next.refreshToken = refresh
            next.refreshIssued = now
        }
        next.accessToken = grant.accessToken
        next.accessExpires = now + grant.lifetime.components.seconds
        if let account = grant.account { next.account = account }
        return next
    }

    /// When the refresh token lapses if it is not used.
    package var refreshLapses: Int64 { refreshIssued + Self.refreshLifetime }

    // MARK: - Stored form (JSON)

    package var json: JSONValue {
        var members: JSONObject = [
            "version": 1, "token_url": .string(tokenURL), "scopes": .array(scopes.map(JSONValue.string)),
            "refresh_token": .string(refreshToken.revealed), "refresh_issued": .number(Decimal(refreshIssued)),
            "signed_in": .number(Decimal(signedIn)),
        ]
        if let tenant { members["tenant"] = .string(tenant) }
        if let clientID { members["client_id"] = .string(clientID) }
        if let account { members["account"] = .string(account) }
        if let accessToken { members["access_token"] = .string(accessToken.revealed) }
        if let accessExpires { members["access_expires"] = .number(Decimal(accessExpires)) }
        if let seedHash { members["seed_sha256"] = .string(seedHash) }
        return .object(members)
    }

    package init?(json: JSONValue) {
        guard let url = json["token_url"]?.stringValue, let refresh = json["refresh_token"]?.stringValue,
            let issued = Self.integer(json["refresh_issued"])
        else { return nil }
        self.init(
            tokenURL: url, tenant: json["tenant"]?.stringValue, clientID: json["client_id"]?.stringValue,
            scopes: (json["scopes"]?.arrayValue ?? []).compactMap(\.stringValue), account: json["account"]?.stringValue,
            refreshToken: Secret(refresh), refreshIssued: issued, signedIn: Self.integer(json["signed_in"]), accessToken: json["access_token"]?.stringValue.map(Secret.init),
            accessExpires: Self.integer(json["access_expires"]), seedHash: json["seed_sha256"]?.stringValue)
    }

    private static func integer(_ value: JSONValue?) -> Int64? {
        guard case .number(let number)? = value else { return nil }
        return NSDecimalNumber(decimal: number).int64Value
    }
}
