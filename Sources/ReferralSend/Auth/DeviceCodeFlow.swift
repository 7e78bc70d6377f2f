/// The device authorization grant (RFC 8628) as a pure state machine: told
/// what the identity platform answered and when (an offset from the start,
/// so tests run it in simulated time), it answers when to poll next or how
/// the sign-in ended. It never sleeps, reads a clock or sends anything;
/// `DeviceCodeSignIn` does that.
package struct DeviceCodeFlow: Sendable {
    package static let grantType = "urn:ietf:params:oauth:grant-type:device_code"
    /// RFC 8628 §3.2: 5 seconds when the server names no interval.
    package static let defaultInterval: Duration = .seconds(5)
    /// §3.5: every `slow_down` adds 5 seconds to the interval.
    package static let slowDownStep: Duration = .seconds(5)
    /// Polls that get no answer at all in a row before giving up.
    package static let unansweredLimit = 5

    /// What `/devicecode` handed out.
    package struct Authorization: Sendable, Equatable {
        package var deviceCode: Secret
        package var userCode: String
        package var verificationURI: String
        /// The identity platform's own instruction ("To sign in, use a web browser to open ...").
        package var message: String
        package var interval: Duration
        package var lifetime: Duration

        package init(deviceCode: Secret, userCode: String, verificationURI: String, message: String?, interval: Duration?, lifetime: Duration) {
            self.deviceCode = deviceCode
            self.userCode = userCode
            self.verificationURI = verificationURI
            self.message = message ?? "To sign in, use a web browser to open the page \(verificationURI) and enter the code \(userCode) to authenticate."
            self.interval = interval ?? DeviceCodeFlow.defaultInterval
            self.lifetime = lifetime
        }
    }

    /// How a sign-in ended without tokens; each is exit 3 with its sentence.
    package enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case declined
        case expired(lifetime: Duration)
        case badVerificationCode
        case interrupted
        case unreachable(String)
        case refused(OAuthRefusal)
        /// The tokens came without a refresh token (no `offline_access`): nothing could run unattended.
        case noRefreshToken

        package var description: String {
            switch self {
            case .declined: "the sign-in was declined in the browser; nothing was saved: run referral-bulk login again to sign in"
            case .expired(let lifetime):
                "the code expired before the sign-in was finished (it lasts \(lifetime.components.seconds / 60) minutes); nothing was saved: run referral-bulk login again"
            case .badVerificationCode: "the identity platform does not know this device code; nothing was saved: run referral-bulk login again"
            case .interrupted: "sign-in interrupted; nothing was saved"
            case .unreachable(let reason): "the identity platform stopped answering (\(reason)); nothing was saved"
            case .refused(let refusal): "the identity platform refused the sign-in (\(refusal.named)); check --tenant and --client-id"
            case .noRefreshToken:
                "the identity platform issued no refresh token: the scope must include offline_access, and the app registration must allow it"
            }
        }
    }

    package enum Action: Sendable, Equatable {
        /// Poll the token endpoint once this much time since the start has passed.
        case poll(at: Duration)
        case signedIn(TokenGrant)
        case failed(Failure)
    }

    package private(set) var interval: Duration
    private let lifetime: Duration
    private let deadline: Duration
    /// Polls in a row that got no answer.
    private var unanswered = 0
    /// The first poll: one interval after the code was handed out.
    package let firstPoll: Action

    /// Starts with `authorization` received at `now`.
    package init(_ authorization: Authorization, now: Duration) {
        interval = authorization.interval
        lifetime = authorization.lifetime
        deadline = now + authorization.lifetime
        firstPoll = .poll(at: now + authorization.interval)
    }

    /// The token endpoint's answer to a poll, at `now`.
    package mutating func answered(_ answer: TokenEndpoint.Answer, now: Duration) -> Action {
        unanswered = 0
        switch answer {
        case .granted(let grant):
            return grant.refreshToken == nil ? .failed(.noRefreshToken) : .signedIn(grant)
        case .refused(let refusal):
            switch refusal.error {
            case "authorization_pending": return next(after: now)
            case "slow_down":
                interval += Self.slowDownStep
                return next(after: now)
            case "authorization_declined", "access_denied": return .failed(.declined)
            case "expired_token", "code_expired": return .failed(.expired(lifetime: lifetime))
            case "bad_verification_code": return .failed(.badVerificationCode)
            default: return .failed(.refused(refusal))
            }
        }
    }

    /// A poll got no answer (`reason`) at `now`: try again at the interval, a few times.
    package mutating func unansweredPoll(_ reason: String, now: Duration) -> Action {
        unanswered += 1
        guard unanswered < Self.unansweredLimit else { return .failed(.unreachable(reason)) }
        return next(after: now)
    }

    /// Ctrl-C (or SIGTERM).
    package func interrupted() -> Action { .failed(.interrupted) }

    private func next(after now: Duration) -> Action {
        // A poll at or after the code's end could only be answered expired_token.
        guard now + interval < deadline else { return .failed(.expired(lifetime: lifetime)) }
        return .poll(at: now + interval)
    }
}
