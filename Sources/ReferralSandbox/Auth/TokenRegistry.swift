import ReferralModel
import Synchronization

/// Bearer tokens and what they stand for. Ready-made role tokens never
/// expire (a user pastes them into a shell); tokens from the token
/// endpoints live `lifetime` and come with a single-use refresh token that
/// lapses when unused for `refreshLifetime`, as the identity platform's do.
/// A token carries an MFA claim or not: the API answers 401 (code 900421)
/// to one without it. Time is `now()`, so a test can move it by days. With
/// a `stateFile`, what was issued outlives the process (`IdentityStateFile`):
/// a change is on disk before its answer is sent.
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
    struct Issued: Sendable, Equatable {
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
    private let stateFile: IdentityStateFile?
    /// Everything issued so far, and the generator of the next token.
    private struct Ledger: Sendable {
        var grants: [String: Grant]
        var refresh: [String: RefreshGrant]
        var random: SplitMix64
        var issued: Int
    }

    private let state: Mutex<Ledger>

    init(
        seed: UInt64, lifetime: Duration, refreshLifetime: Duration = .seconds(90 * 86_400),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }, stateFile: IdentityStateFile? = nil
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
        self.stateFile = stateFile
        guard let kept = stateFile?.read(now: now()) else {
            state = Mutex(Ledger(grants: grants, refresh: [:], random: random, issued: 0))
            return
        }
        // Tokens after the ones on file: a generator of their own, so a later process never repeats one.
        state = Mutex(
            Ledger(
                grants: grants.merging(kept.grants) { ready, _ in ready }, refresh: kept.refresh,
                random: SplitMix64(seed: seed, key: "issued", counter: kept.issued), issued: kept.issued))
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
    func issue(clientID: String, clientSecret: String) throws(IdentityStateFile.WriteFailure) -> Issued? {
        guard clientID == self.clientID, clientSecret == self.clientSecret else { return nil }
        return try issue(role: .referralAdmin, mfa: true)
    }

    /// `refresh_token`: a new token pair with the same claims; the old refresh token is spent.
    func refresh(_ refreshToken: String) throws(IdentityStateFile.WriteFailure) -> Result<Issued, RefreshRefusal> {
        let now = now()
        return try state.withLock { (state: inout Ledger) throws(IdentityStateFile.WriteFailure) in
            guard let grant = state.refresh.removeValue(forKey: refreshToken) else { return .failure(.unknownOrSpent) }
            guard now - grant.issued < refreshLifetime else {
                try keep(state, now: now)
                return .failure(.lapsed)
            }
            return .success(try issue(role: grant.role, mfa: grant.mfa, into: &state, now: now))
        }
    }

    /// A token pair for a person who signed in as `role` (with or without MFA).
    func issue(role: SandboxRole, mfa: Bool) throws(IdentityStateFile.WriteFailure) -> Issued {
        let now = now()
        return try state.withLock { (state: inout Ledger) throws(IdentityStateFile.WriteFailure) in try issue(role: role, mfa: mfa, into: &state, now: now) }
    }

    private func issue(
        role: SandboxRole, mfa: Bool, into state: inout Ledger,
        now: ContinuousClock.Instant
    ) throws(IdentityStateFile.WriteFailure) -> Issued {
        let access = "sbx-at-\(Self.hex(state.random.next()))\(Self.hex(state.random.next()))"
        let refresh = "sbx-rt-\(Self.hex(state.random.next()))\(Self.hex(state.random.next()))"
        state.grants[access] = Grant(role: role, expires: now + lifetime, mfa: mfa)
        state.refresh[refresh] = RefreshGrant(role: role, mfa: mfa, issued: now)
        state.issued += 1
        try keep(state, now: now)
        return Issued(accessToken: access, refreshToken: refresh, expiresIn: lifetime, role: role)
    }

    /// Writes what was issued to the state file, when there is one, before the answer leaves.
    private func keep(
        _ state: Ledger, now: ContinuousClock.Instant
    ) throws(IdentityStateFile.WriteFailure) {
        guard let stateFile else { return }
        let live = state.grants.filter { $0.value.expires.map { $0 > now } ?? false }
        try stateFile.write(.init(grants: live, refresh: state.refresh, issued: state.issued), now: now)
    }

    /// Tokens issued by the token endpoints so far.
    var issuedCount: Int { state.withLock { $0.issued } }

    static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
