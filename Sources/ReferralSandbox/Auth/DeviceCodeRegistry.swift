import ReferralModel
import Synchronization

/// The sandbox's side of the device authorization grant (RFC 8628): codes
/// handed out by `/devicecode`, approved (with or without MFA) or declined
/// through `POST /_sandbox/devicecode`, or at once with `autoApprove`; a
/// poll faster than the interval is told `slow_down`; a code lasts
/// `lifetime` (15 minutes, as the identity platform's).
final class DeviceCodeRegistry: Sendable {
    enum Decision: Sendable, Equatable {
        case pending
        case approved(SandboxRole, mfa: Bool)
        case declined
    }

    struct Code: Sendable {
        var userCode: String
        var expires: ContinuousClock.Instant
        var lastPoll: ContinuousClock.Instant?
        var decision: Decision
    }

    /// What a poll of the token endpoint with a device code gets.
    enum Poll: Sendable, Equatable {
        case pending, slowDown, declined, expired, unknown
        case approved(SandboxRole, mfa: Bool)
    }

    static let interval: Duration = .seconds(1)
    static let lifetime: Duration = .seconds(900)

    private let autoApprove: Bool
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state: Mutex<(codes: [String: Code], random: SplitMix64)>

    init(seed: UInt64, autoApprove: Bool, now: @escaping @Sendable () -> ContinuousClock.Instant) {
        self.autoApprove = autoApprove
        self.now = now
        state = Mutex(([:], SplitMix64(seed: seed ^ 0x6465_7669_6365)))
    }

    /// A new device code and its user code (`ABCD-EFGH`).
    func start() -> (deviceCode: String, userCode: String) {
        let now = now()
        return state.withLock { state in
            let deviceCode = "sbx-dc-\(TokenRegistry.hex(state.random.next()))"
            let letters = Array("BCDFGHJKLMNPQRSTVWXZ")
            let userCode = String((0..<8).map { _ in letters[Int(state.random.next() % UInt64(letters.count))] })
            let shown = "\(userCode.prefix(4))-\(userCode.suffix(4))"
            state.codes[deviceCode] = Code(
                userCode: shown, expires: now + Self.lifetime, decision: autoApprove ? .approved(.referralAdmin, mfa: true) : .pending)
            return (deviceCode, shown)
        }
    }

    /// What a person in the browser decided for `userCode`; false when no pending code has it.
    func decide(userCode: String, _ decision: Decision) -> Bool {
        state.withLock { state in
            guard let key = state.codes.first(where: { $0.value.userCode == userCode && $0.value.decision == .pending })?.key else {
                return false
            }
            state.codes[key]?.decision = decision
            return true
        }
    }

    /// One poll with `deviceCode`; an approved code is spent by the poll that gets its tokens.
    func poll(_ deviceCode: String) -> Poll {
        let now = now()
        return state.withLock { state in
            guard let code = state.codes[deviceCode] else { return .unknown }
            guard now < code.expires else {
                state.codes[deviceCode] = nil
                return .expired
            }
            defer { state.codes[deviceCode]?.lastPoll = now }
            if let last = code.lastPoll, now - last < Self.interval, code.decision == .pending { return .slowDown }
            switch code.decision {
            case .pending: return .pending
            case .declined:
                state.codes[deviceCode] = nil
                return .declined
            case .approved(let role, let mfa):
                state.codes[deviceCode] = nil
                return .approved(role, mfa: mfa)
            }
        }
    }
}
