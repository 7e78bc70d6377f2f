import Synchronization

/// Bearer tokens and what they stand for. Ready-made role tokens never
/// expire (a user pastes them into a shell); tokens from the token endpoint
/// live `lifetime` and come with a refresh token.
final class TokenRegistry: Sendable {
    struct Grant: Sendable {
        var role: SandboxRole
        var expires: ContinuousClock.Instant?
    }

    /// An issued access token, as the token endpoint answers it.
    struct Issued: Sendable {
        var accessToken: String
        var refreshToken: String
        var expiresIn: Duration
    }

    let readyMade: [SandboxRole: String]
    let clientID = "referral-bulk-sandbox"
    let clientSecret: String
    private let lifetime: Duration
    private let state: Mutex<(grants: [String: Grant], refresh: [String: SandboxRole], random: SplitMix64, issued: Int)>

    init(seed: UInt64, lifetime: Duration) {
        var random = SplitMix64(seed: seed ^ 0x746F_6B65_6E73)
        var readyMade: [SandboxRole: String] = [:]
        var grants: [String: Grant] = [:]
        for role in SandboxRole.allCases {
            let token = "sbx-\(role.slug)-\(Self.hex(random.next()))"
            readyMade[role] = token
            grants[token] = Grant(role: role, expires: nil)
        }
        self.readyMade = readyMade
        self.clientSecret = "secret-\(Self.hex(random.next()))"
        self.lifetime = lifetime
        state = Mutex((grants, [:], random, 0))
    }

    /// The role behind a token, or nil when it is unknown or expired.
    func role(for token: String, now: ContinuousClock.Instant = .now) -> SandboxRole? {
        state.withLock { state in
            guard let grant = state.grants[token] else { return nil }
            if let expires = grant.expires, expires <= now {
                state.grants[token] = nil
                return nil
            }
            return grant.role
        }
    }

    /// `client_credentials`: a Referral Admin token for the right id and secret.
    func issue(clientID: String, clientSecret: String) -> Issued? {
        guard clientID == self.clientID, clientSecret == self.clientSecret else { return nil }
        return issue(role: .referralAdmin)
    }

    /// `refresh_token`: a new token pair; the old refresh token is spent.
    func refresh(_ refreshToken: String) -> Issued? {
        guard let role = state.withLock({ $0.refresh.removeValue(forKey: refreshToken) }) else { return nil }
        return issue(role: role)
    }

    private func issue(role: SandboxRole) -> Issued {
        state.withLock { state in
            let access = "sbx-at-\(Self.hex(state.random.next()))\(Self.hex(state.random.next()))"
            let refresh = "sbx-rt-\(Self.hex(state.random.next()))\(Self.hex(state.random.next()))"
            state.grants[access] = Grant(role: role, expires: .now + lifetime)
            state.refresh[refresh] = role
            state.issued += 1
            return Issued(accessToken: access, refreshToken: refresh, expiresIn: lifetime)
        }
    }

    /// Tokens issued by the token endpoint so far.
    var issuedCount: Int { state.withLock { $0.issued } }

    static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
