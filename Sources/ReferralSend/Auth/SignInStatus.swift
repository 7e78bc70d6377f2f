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
            lines.append("access token:   " + (expires > now ? "expires \(Self.time(expires)) (in \(Self.span(expires - now)))" : "expired \(Self.time(expires)); the next run refreshes it"))
        }
        lines.append("signed in:      \(Self.time(cache.signedIn)) (\(Self.span(now - cache.signedIn)) ago)")
        let age = now - cache.refreshIssued
        lines.append("refresh token:  issued \(Self.time(cache.refreshIssued)) (\(Self.span(age)) ago), rotated on every use")
        if signedIn {
            lines.append("lapses unused:  \(Self.time(cache.refreshLapses)) (in \(Self.span(cache.refreshLapses - now)))")
        } else {
            lines.append("lapsed:         \(Self.time(cache.refreshLapses)); sign in again: \(file.loginCommand)")
        }
        return lines
    }

    static func time(_ seconds: Int64) -> String { UTCDateTime(secondsSinceEpoch: seconds).description }

    /// `3 d 4 h`, `2 h 5 min`, `40 s`.
    static func span(_ seconds: Int64) -> String {
        let s = max(seconds, 0)
        if s >= 86_400 { return "\(s / 86_400) d \(s % 86_400 / 3600) h" }
        if s >= 3600 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        if s >= 60 { return "\(s / 60) min" }
        return "\(s) s"
    }
}
