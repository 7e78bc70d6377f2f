import Foundation
import ReferralModel
import Synchronization

/// Which failures are worth another attempt, and how long to wait before
/// it: exponential backoff with full jitter (base 0.5 s, cap 30 s), never
/// sooner than the server's `Retry-After`, and never longer than
/// `maxRetryAfter` (a longer `Retry-After` is not slept through).
package struct RetryPolicy: Sendable, Equatable {
    package var maxAttempts: Int
    package var base: Duration
    package var cap: Duration
    /// `--max-retry-after`: the longest `Retry-After` worth waiting for.
    package var maxRetryAfter: Duration

    package init(
        maxAttempts: Int = 6, base: Duration = .milliseconds(500), cap: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(120)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.base = base
        self.cap = cap
        self.maxRetryAfter = maxRetryAfter
    }

    /// 408, 429 and the 5xx that mean "try again"; never 400, 403, 404, 412.
    package static func isRetryable(status: Int) -> Bool {
        [408, 429, 500, 502, 503, 504].contains(status)
    }

    /// The wait before attempt `attempt + 1`: uniform in [0, min(cap, base·2^(attempt-1))],
    /// raised to `retryAfter` when the server asked for more.
    package func delay(afterAttempt attempt: Int, retryAfter: Duration?, random: inout some RandomNumberGenerator) -> Duration {
        let exponent = min(max(0, attempt - 1), 30)
        let ceiling = min(cap, base * (1 << exponent))
        // Uniform in [0, 1) from 53 random bits (Double.random(in:) may loop on a scripted generator).
        let fraction = Double(random.next() >> 11) * 0x1p-53
        let jittered = ceiling * fraction
        guard let retryAfter else { return jittered }
        return max(jittered, retryAfter)
    }

    /// `Retry-After` as seconds (`120`) or an HTTP date, relative to `now`;
    /// nil for anything else (a negative number, garbage): the backoff decides.
    /// A date in the past is zero; any wait is at most `longest` (a year:
    /// far past every `--max-retry-after`, so it still fails the call, and
    /// far from the overflow of instants and of whole seconds in messages).
    package static func retryAfter(_ value: String?, now: Date) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.allSatisfy(\.isASCIIDigitOrSign) {
            guard let seconds = Int(value), seconds >= 0 else {
                // Digits too many for an Int are a very long wait; a sign is garbage.
                return value.allSatisfy(\.isNumber) ? longest : nil
            }
            return min(.seconds(seconds), longest)
        }
        guard let date = httpDate.withLock({ $0.date(from: value) }) else { return nil }
        let seconds = date.timeIntervalSince(now)
        guard seconds.isFinite else { return nil }
        return .milliseconds(Int64((min(max(0, seconds), longest.inSeconds) * 1000).rounded(.up)))
    }

    /// The longest wait a `Retry-After` can say.
    package static let longest: Duration = .seconds(365 * 86_400)

    /// Built once: a formatter is costly to make, and a throttled run reads
    /// a `Retry-After` per refused call. Not thread-safe, hence the lock.
    private static let httpDate: Mutex<DateFormatter> = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return Mutex(formatter)
    }()
}

extension Character {
    /// `0`-`9`, `+` or `-`: what a number of seconds is written with.
    fileprivate var isASCIIDigitOrSign: Bool { ("0"..."9").contains(self) || self == "-" || self == "+" }
}
