/// A server that misbehaves the way real proxies, gateways and broken
/// deployments do, played on purpose so a test (or a rehearsal) can check
/// that the client reports what really happened. Chosen with `--fault`.
package enum HostileMode: Sendable, Equatable {
    /// Reads are answered 200 with an HTML login page (a proxy in the way).
    case htmlReads
    /// Reads are answered 200 with no body.
    case emptyReads
    /// Reads are answered 200 with the first half of the referral's JSON.
    case truncatedReads
    /// Reads are answered 200 with the referral's JSON one byte at a time, `interval` apart.
    case trickleReads(interval: Duration)
    /// Writes are answered 307 to the same path on another base URL.
    case redirectWrites(to: String)
    /// Every referral request is answered 429 with this `Retry-After` (seconds).
    case throttleEverything(retryAfter: Int)

    /// `html-read`, `empty-read`, `truncated-read`, `trickle-read`, `redirect-write=URL`, `retry-after=SECONDS`.
    package init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count) {
        case ("html-read", 1): self = .htmlReads
        case ("empty-read", 1): self = .emptyReads
        case ("truncated-read", 1): self = .truncatedReads
        case ("trickle-read", 1): self = .trickleReads(interval: .milliseconds(500))
        case ("redirect-write", 2): self = .redirectWrites(to: parts[1])
        case ("retry-after", 2):
            guard let seconds = Int(parts[1]), seconds >= 0 else { return nil }
            self = .throttleEverything(retryAfter: seconds)
        default: return nil
        }
    }

    package static let arguments = "html-read, empty-read, truncated-read, trickle-read, redirect-write=URL or retry-after=SECONDS"
}
