import Foundation
import ReferralModel

/// The current token of a provider that fetches tokens (a command, a token
/// endpoint), with never more than one fetch at a time: every worker that
/// finds the token stale, or gets a 401, waits for the same fetch. (A
/// refresh token is spent by its first use; a token command may prompt or
/// be slow.)
actor TokenRenewal {
    struct Fetched: Sendable {
        var token: Secret
        /// When to fetch again before using it; nil: only when rejected.
        var renewAt: ContinuousClock.Instant?
    }

    /// Fetches a token; its argument is the token just rejected, if that is why
    /// (a fetch that finds a token on file must not hand that one back).
    private let fetch: @Sendable (Secret?) async throws -> Fetched
    private var current: Fetched?
    private var fetching: Task<Fetched, any Error>?

    init(fetch: @escaping @Sendable (Secret?) async throws -> Fetched) { self.fetch = fetch }

    func token() async throws -> Secret {
        if let current, current.renewAt.map({ $0 > .now }) ?? true { return current.token }
        return try await renew(rejected: nil)
    }

    /// After a 401 with `rejected`. A token fetched since (by another
    /// worker's renewal) is handed out as it is; otherwise one fetch,
    /// shared, even when `rejected` was issued a moment ago.
    func rejected(_ rejected: Secret) async throws -> Secret {
        if let current, current.token != rejected { return current.token }
        let fresh = try await renew(rejected: rejected)
        guard fresh != rejected else { throw TokenError.refetchedTheRejectedToken }
        return fresh
    }

    private func renew(rejected: Secret?) async throws -> Secret {
        let task: Task<Fetched, any Error>
        if let fetching {
            task = fetching
        } else {
            task = Task { [fetch] in try await fetch(rejected) }
            fetching = task
        }
        defer { if fetching == task { fetching = nil } }
        let fetched = try await task.value
        if fetching == task { current = fetched }
        return fetched.token
    }

    /// `expires_in` seconds as a lifetime, within a sane range (a server's
    /// huge or negative number must not overflow a clock).
    static func lifetime(_ value: JSONValue?) -> Duration? {
        guard case .number(let seconds)? = value else { return nil }
        let clamped = min(max(NSDecimalNumber(decimal: seconds).doubleValue, 0), 366 * 86_400)
        return .milliseconds(Int64(clamped * 1000))
    }
}
