import Foundation
import ReferralModel

/// What a token endpoint handed out for one grant: the access token, how
/// long it lives, the refresh token that replaces the one just spent (the
/// identity platform rotates it on every use), and who signed in.
package struct TokenGrant: Sendable, Equatable {
    package var accessToken: Secret
    package var lifetime: Duration
    package var refreshToken: Secret?
    /// `preferred_username` (or `upn`, `email`) of the ID token, when one came.
    package var account: String?

    /// Reads a `200` answer of a token endpoint; nil when it holds no access token.
    package static func parse(_ json: JSONValue) throws(TokenError) -> TokenGrant? {
        guard let access = json["access_token"]?.stringValue else { return nil }
        return TokenGrant(
            accessToken: try BearerToken.parse(access, from: "the token endpoint's access_token"),
            lifetime: TokenRenewal.lifetime(json["expires_in"]) ?? .seconds(3600),
            refreshToken: json["refresh_token"]?.stringValue.flatMap { $0.isEmpty ? nil : Secret($0) },
            account: json["id_token"]?.stringValue.flatMap(Self.account(idToken:)))
    }

    /// Who an ID token (a JWT) names. Only its payload is read, for display:
    /// the token came straight from the endpoint over TLS, nothing is
    /// authorised by it.
    static func account(idToken: String) -> String? {
        let parts = idToken.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let claims = try? JSONParser.parse(data) else { return nil }
        return claims["preferred_username"]?.stringValue ?? claims["upn"]?.stringValue ?? claims["email"]?.stringValue
    }
}
