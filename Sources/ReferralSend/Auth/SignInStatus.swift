import ReferralModel
import ReferralPlan

/// What `login --status` says about a profile's cache at `now`: who is
/// signed in where, when the access token expires, how old the refresh
/// token is and when it lapses unused. Signed in means a refresh token
/// that has not lapsed (whether it was revoked only the endpoint knows).
package struct SignInStatus: Sendable, Equatable {
    package var file: TokenCacheFile
    package var cache: TokenCache?
    package var now: Int64

    package init(file: TokenCacheFile, cache: TokenCache?, now: Int64) {
        self.file = file
        self.cache = cache
        self.now = now
    }

    package var signedIn: Bool { cache.map { $0.refreshLapses > now } ?? false }

    /// Lines for a person; every time in UTC, no token.
    package var lines: [String] {
        guard let cache else {
            return ["not signed in (profile \(file.profile), no token cache at \(file.path)): \(file.loginCommand)"]
        }
        var lines = [
            "profile:        \(file.profile) (\(file.path))",
            "account:        \(cache.account ?? "unknown")",
            "tenant:         \(cache.tenant ?? "unknown") (\(cache.tokenURL))",
        ]
        if let expires = cache.accessExpires {
            lines.append("access token:   " + (expires > now ? "expires \(Self.time(expires)) (in \(DurationText.age(seconds: expires - now)))" : "expired \(Self.time(expires)); the next run refreshes it"))
        }
        lines.append("signed in:      \(Self.time(cache.signedIn)) (\(DurationText.age(seconds: now - cache.signedIn)) ago)")
        let age = now - cache.refreshIssued
        lines.append("refresh token:  issued \(Self.time(cache.refreshIssued)) (\(DurationText.age(seconds: age)) ago), rotated on every use")
        if signedIn {
            lines.append("lapses unused:  \(Self.time(cache.refreshLapses)) (in \(DurationText.age(seconds: cache.refreshLapses - now)))")
        } else {
            lines.append("lapsed:         \(Self.time(cache.refreshLapses)); sign in again: \(file.loginCommand)")
        }
        return lines
    }

    static func time(_ seconds: Int64) -> String { UTCDateTime(secondsSinceEpoch: seconds).description }

}
