import ReferralModel
import Synchronization

/// Bearer tokens and what they stand for. Ready-made role tokens never
/// expire (a user pastes them into a shell); tokens from the token
/// endpoints live `lifetime` and come with a single-use refresh token that
/// lapses when unused for `refreshLifetime`, as the identity platform's do.
/// A token carries an MFA claim or not: the API answers 401 (code 900421)
/// to one without it. Time is `now()`, so a test can move it by days.
final class TokenRegistry: Sendable {
    struct Grant: Sendable {
        var role: SandboxRole
        var expires: ContinuousClock.Instant?
        /// Issued after multi-factor authentication (the `amr` claim holds `mfa`).
        var mfa: Bool
    }

    /// What a refresh token stands for until it is used or lapses.
    struct RefreshGrant: Sendable {
        var role: SandboxRole
        var mfa: Bool
        var issued: ContinuousClock.Instant
    }

    /// An issued access token, as the token endpoint answers it.
    struct Issued: Sendable {
        var accessToken: String
        var refreshToken: String
        var expiresIn: Duration
        var role: SandboxRole
    }

    /// Why a refresh token was refused, with the identity platform's code.
    enum RefreshRefusal: Error, Sendable, Equatable {
        /// Never issued, or spent by an earlier use (AADSTS70008).
        case unknownOrSpent
        /// Unused for longer than the refresh lifetime (AADSTS700082).
        case lapsed

        var code: Int { self == .lapsed ? 700_082 : 70_008 }
        var message: String {
            self == .lapsed
                ? "The refresh token has expired due to inactivity."
                : "The provided refresh token has expired or has been revoked (refresh tokens are single-use)."
        }
    }

    let readyMade: [SandboxRole: String]
    let clientID = "referral-bulk-sandbox"
    let clientSecret: String
    private let lifetime: Duration
    private let refreshLifetime: Duration
    let now: @Sendable () -> ContinuousClock.Instant
    private let state: Mutex<(grants: [String: Grant], refresh: [String: RefreshGrant], random: SplitMix64, issued: Int)>

    init(
        seed: UInt64, lifetime: Duration, refreshLifetime: Duration = .seconds(90 * 86_400),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        var random = SplitMix64(seed: seed ^ 0x746F_6B65_6E73)
        var readyMade: [SandboxRole: String] = [:]
        var grants: [String: Grant] = [:]
        for role in SandboxRole.allCases {
            let token = "sbx-\(role.slug)-\(Self.hex(random.next()))"
            readyMade[role] = token
            grants[token] = Grant(role: role, expires: nil, mfa: true)
        }
        self.readyMade = readyMade
        self.clientSecret = "secret-\(Self.hex(random.next()))"
        self.lifetime = lifetime
        self.refreshLifetime = refreshLifetime
        self.now = now
        state = Mutex((grants, [:], random, 0))
    }

    /// What a token stands for, or nil when it is unknown or expired.
    func grant(for token: String) -> Grant? {
        let now = now()
        return state.withLock { state in
            guard let grant = state.grants[token] else { return nil }
            if let expires = grant.expires, expires <= now {
                state.grants[token] = nil
                return nil
            }
            return grant
        }
    }

    /// The role behind a token, or nil when it is unknown or expired.
    func role(for token: String) -> SandboxRole? { grant(for: token)?.role }

    /// `client_credentials`: a Referral Admin token for the right id and secret.
    func issue(clientID: String, clientSecret: String) -> Issued? {
        guard clientID == self.clientID, clientSecret == self.clientSecret else { return nil }
        return issue(role: .referralAdmin, mfa: true)
    }

    /// `refresh_token`: a new token pair with the same claims; the old refresh token is spent.
    func refresh(_ refreshToken: String) -> Result<Issued, RefreshRefusal> {
        let now = now()
        let grant = state.withLock { $0.refresh.removeValue(forKey: refreshToken) }
        guard let grant else { return .failure(.unknownOrSpent) }
        guard now - grant.issued < refreshLifetime else { return .failure(.lapsed) }
        return .success(issue(role: grant.role, mfa: grant.mfa))
    }

    /// A token pair for a person who signed in as `role` (with or without MFA).
    func issue(role: SandboxRole, mfa: Bool) -> Issued {
        let now = now()
        return state.withLock { state in
            let access = "sbx-at-\(Self.hex(state.random.next()))\(Self.hex(state.random.next()))"
            let refresh = "sbx-rt-\(Self.hex(state.random.next()))\(Self.hex(state.random.next()))"
            state.grants[access] = Grant(role: role, expires: now + lifetime, mfa: mfa)
            state.refresh[refresh] = RefreshGrant(role: role, mfa: mfa, issued: now)
            state.issued += 1
            return Issued(accessToken: access, refreshToken: refresh, expiresIn: lifetime, role: role)
        }
    }

    /// Tokens issued by the token endpoints so far.
    var issuedCount: Int { state.withLock { $0.issued } }

    static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
