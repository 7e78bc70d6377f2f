/// When the person signed in (`referral-bulk login`, or the environment's
/// refresh token seeded the cache) and when the refresh token on file was
/// issued, in seconds since 1970: what `--metrics-file` reports, so an
/// alert can warn before a sign-in's 90 days run out.
package struct SignInTimes: Sendable, Equatable {
    package var signedIn: Int64
    package var refreshIssued: Int64

    package init(signedIn: Int64, refreshIssued: Int64) {
        self.signedIn = signedIn
        self.refreshIssued = refreshIssued
    }
}
