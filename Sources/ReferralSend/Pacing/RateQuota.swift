import Foundation
import ReferralModel

/// A quota the server announced in an answer's headers, whichever of the
/// common spellings it used:
/// - IETF structured fields: `RateLimit-Policy: "tenant";q=100;w=1` and
///   `RateLimit: "tenant";r=42;t=1`;
/// - the older drafts' `RateLimit-Limit` / `RateLimit-Remaining` /
///   `RateLimit-Reset` (delta seconds), and `RateLimit-Policy: 100;w=1`;
/// - Azure's `x-ms-ratelimit-remaining-*` (remaining calls only; the
///   smallest one binds).
package struct RateQuota: Sendable, Equatable {
    /// Calls allowed per `window`.
    package var limit: Double?
    package var window: Duration?
    /// Calls left until `reset`.
    package var remaining: Double?
    package var reset: Duration?

    package init(limit: Double? = nil, window: Duration? = nil, remaining: Double? = nil, reset: Duration? = nil) {
        self.limit = limit
        self.window = window
        self.remaining = remaining
        self.reset = reset
    }

    /// The policy's long-run pace (limit per window), when both are known.
    package var limitRate: Double? {
        guard let limit, let window, window > .zero else { return nil }
        return limit / window.inSeconds
    }

    /// The pace that spends what remains by the reset; the policy's pace
    /// when the quota is whole again at once.
    package var rate: Double? {
        if let remaining, let reset, reset > .zero { return remaining / reset.inSeconds }
        return limitRate
    }

    /// The quota in these headers; nil when they announce none.
    package static func parse(_ headers: [(String, String)]) -> RateQuota? {
        var quota = RateQuota()
        var found = false
        for (name, value) in headers {
            let value = value.trimmingCharacters(in: .whitespaces)
            switch name.lowercased() {
            case "ratelimit-policy":
                let parameters = Self.parameters(value)
                if let limit = parameters["q"] ?? parameters[""] {
                    quota.limit = limit
                    quota.window = parameters["w"].map { .milliseconds(Int64($0 * 1000)) } ?? quota.window
                    found = true
                }
            case "ratelimit":
                let parameters = Self.parameters(value)
                if let remaining = parameters["r"] ?? parameters["remaining"] {
                    quota.remaining = remaining
                    found = true
                }
                if let reset = parameters["t"] ?? parameters["reset"] { quota.reset = .milliseconds(Int64(reset * 1000)) }
                if let limit = parameters["limit"] { quota.limit = limit }
            case "ratelimit-limit":
                // `100, 100;w=60`: the limit, then the policies that say its window.
                let parameters = Self.parameters(value, everyMember: true)
                if let limit = parameters[""] {
                    quota.limit = limit
                    if let window = parameters["w"] { quota.window = .milliseconds(Int64(window * 1000)) }
                    found = true
                }
            case "ratelimit-remaining":
                if let remaining = Double(value), remaining >= 0 {
                    quota.remaining = remaining
                    found = true
                }
            case "ratelimit-reset":
                if let reset = Double(value), reset >= 0 { quota.reset = .milliseconds(Int64(reset * 1000)) }
            case let other where other.hasPrefix("x-ms-ratelimit-remaining-"):
                if let remaining = Double(value), remaining >= 0 {
                    quota.remaining = min(quota.remaining ?? remaining, remaining)
                    found = true
                }
            default:
                continue
            }
        }
        return found ? quota : nil
    }

    /// The numeric parameters of the first member of a field, e.g.
    /// `"tenant";q=100;w=1` → [q: 100, w: 1] and `100;w=1` → ["": 100, w: 1];
    /// of every member for `limit=100, remaining=50, reset=5` (an older
    /// draft's one field, whose values are members, not parameters).
    private static func parameters(_ value: String, everyMember: Bool = false) -> [String: Double] {
        var result: [String: Double] = [:]
        let members = value.split(separator: ",")
        let first = members.first.map { [$0] } ?? []
        let parts = everyMember || value.contains("remaining=") ? members : first
        for member in parts {
            for piece in member.split(separator: ";") {
                let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, let number = Double(pair[1]), number.isFinite, number >= 0 {
                    result[pair[0]] = number
                } else if pair.count == 1, let number = Double(pair[0]), number.isFinite, number >= 0 {
                    result[""] = number
                }
            }
        }
        return result
    }
}
