/// How a sandbox behaves: where it listens, and which faults it injects.
/// Every random decision derives from `seed`, so a run can be replayed.
package struct SandboxConfiguration: Sendable {
    package var host = "127.0.0.1"
    /// 0 picks a free port; `RunningSandbox.port` tells which.
    package var port = 0
    package var seed: UInt64 = 1
    /// Added before every answer on the referral routes.
    package var latency: Duration = .zero
    /// Latency varies by up to ± this much.
    package var jitter: Duration = .zero
    /// Requests per second for the tenant, reads and writes alike, shared
    /// by every token; nil: unlimited.
    package var rateLimit: Double?
    /// A fixed window of `rateLimit × window` calls instead of a token bucket.
    package var rateWindow: Duration?
    /// Later limits, at offsets from the first request (`rateLimit` until the first).
    package var rateSchedule: [RateSchedule.Step] = []
    /// Announce the quota in every answer (`RateLimit-Policy` and `RateLimit`).
    package var rateHeaders = false
    /// The token bucket's capacity in calls (nil: one second's worth, at least one).
    package var rateBurst: Double?
    /// Sent as `Retry-After` on every 429 of the limit instead of the real
    /// wait: a server that says `2` whatever, or `-5`, or a date.
    package var rateRetryAfter: String?
    /// Fraction of referral requests answered 503.
    package var failRate = 0.0
    /// Fraction of referral requests whose connection is closed without an answer.
    package var dropRate = 0.0
    /// Fraction of PATCH requests that are applied, then answered by a closed connection.
    package var lostResponseRate = 0.0
    /// Answer a PATCH whose request id (`client-request-id`, else
    /// `MS-RequestId`) was seen with the first answer, applying nothing
    /// again. Off (`--no-replay`): a retry is applied again, as by a service
    /// that does not deduplicate, so a client's own care is what is tested.
    package var replaysRequestIDs = true
    /// A hostile server to play instead of a faithful one (nil: faithful).
    package var hostile: HostileMode?
    /// Lifetime of tokens issued by `POST /oauth2/token`.
    package var tokenTTL: Duration = .seconds(3600)
    /// Refresh tokens lapse when unused this long (`--refresh-token-lifetime`; 90 days on the identity platform).
    package var refreshTokenLifetime: Duration = .seconds(90 * 86_400)
    /// Approve every device code at once, with MFA, as Referral Admin (`--auto-approve`, for rehearsals).
    package var autoApprove = false
    /// The sandbox's clock for tokens and device codes: a test moves it by days.
    package var now: @Sendable () -> ContinuousClock.Instant = { .now }

    /// Keep the referrals in this file across runs (`apply --sandbox` keeps
    /// it in the state dir); nil: they live as long as the process.
    package var statePath: String?
    /// Keep issued tokens and unspent refresh tokens in this file across
    /// runs, so `login --sandbox` and a later `apply --sandbox` play one
    /// identity platform; nil: they live as long as the process.
    package var identityPath: String?
    /// Start the state file over from the seed (`--sandbox-reset`).
    package var resetState = false

    package init() {}
}
