import ReferralModel
import Testing

@testable import ReferralSend

/// The device authorization grant's decisions in simulated time: no server, no clock.
@Suite struct DeviceCodeFlowTests {
    let authorization = DeviceCodeFlow.Authorization(
        deviceCode: Secret("dc"), userCode: "ABCD-EFGH", verificationURI: "https://microsoft.com/devicelogin", message: nil,
        interval: .seconds(5), lifetime: .seconds(900))

    func refused(_ error: String) -> TokenEndpoint.Answer {
        .refused(OAuthRefusal(grant: DeviceCodeFlow.grantType, httpStatus: 400, error: error, codes: []))
    }

    let grant = TokenGrant(
        accessToken: Secret("at"), lifetime: .seconds(3600), refreshToken: Secret("rt"), account: "a@b.example")

    @Test func pollsAtTheIntervalUntilApproved() {
        var flow = DeviceCodeFlow(authorization, now: .seconds(100))
        #expect(flow.firstPoll == .poll(at: .seconds(105)))
        #expect(flow.answered(refused("authorization_pending"), now: .seconds(105)) == .poll(at: .seconds(110)))
        #expect(flow.answered(refused("authorization_pending"), now: .seconds(110)) == .poll(at: .seconds(115)))
        #expect(flow.answered(.granted(grant), now: .seconds(115)) == .signedIn(grant))
    }

    @Test func slowDownAddsFiveSecondsToEveryLaterPoll() {
        var flow = DeviceCodeFlow(authorization, now: .zero)
        #expect(flow.answered(refused("slow_down"), now: .seconds(5)) == .poll(at: .seconds(15)))
        #expect(flow.answered(refused("authorization_pending"), now: .seconds(15)) == .poll(at: .seconds(25)))
        #expect(flow.answered(refused("slow_down"), now: .seconds(25)) == .poll(at: .seconds(40)))
        #expect(flow.interval == .seconds(15))
    }

    @Test func eachEndingHasItsFailureAndSentence() {
        for (error, failure) in [
            ("authorization_declined", DeviceCodeFlow.Failure.declined), ("expired_token", .expired(lifetime: .seconds(900))),
            ("bad_verification_code", .badVerificationCode),
        ] {
            var flow = DeviceCodeFlow(authorization, now: .zero)
            #expect(flow.answered(refused(error), now: .seconds(5)) == .failed(failure), "\(error)")
        }
        #expect(DeviceCodeFlow.Failure.declined.description.hasPrefix("the sign-in was declined in the browser"))
        #expect(DeviceCodeFlow.Failure.expired(lifetime: .seconds(900)).description.contains("it lasts 15 minutes"))
        var other = DeviceCodeFlow(authorization, now: .zero)
        let invalidClient = OAuthRefusal(grant: DeviceCodeFlow.grantType, httpStatus: 400, error: "invalid_client", codes: ["AADSTS7000215"])
        #expect(other.answered(.refused(invalidClient), now: .seconds(5)) == .failed(.refused(invalidClient)))
        #expect(DeviceCodeFlow.Failure.refused(invalidClient).description.contains("invalid_client, AADSTS7000215"))
    }

    @Test func aCodeStillPendingAtItsEndExpiresWithoutAnotherPoll() {
        var flow = DeviceCodeFlow(authorization, now: .zero)
        var action = flow.firstPoll
        var polls = 0
        while case .poll(let at) = action, polls < 1000 {
            polls += 1
            action = flow.answered(refused("authorization_pending"), now: at)
        }
        #expect(action == .failed(.expired(lifetime: .seconds(900))))
        // 15 minutes at 5 s: the polls at 5 s … 895 s, never one at or after 900 s.
        #expect(polls == 179)
    }

    @Test func ctrlCAndAnUnansweringPlatformEndTheSignIn() {
        let flow = DeviceCodeFlow(authorization, now: .zero)
        #expect(flow.interrupted() == .failed(.interrupted))
        var silent = DeviceCodeFlow(authorization, now: .zero)
        var action = silent.firstPoll
        for attempt in 1..<DeviceCodeFlow.unansweredLimit {
            action = silent.unansweredPoll("connection refused", now: .seconds(Int64(5 * attempt)))
            #expect(action == .poll(at: .seconds(Int64(5 * attempt + 5))))
        }
        action = silent.unansweredPoll("connection refused", now: .seconds(30))
        #expect(action == .failed(.unreachable("connection refused")))
    }

    @Test func tokensWithoutARefreshTokenCannotRunUnattended() {
        var flow = DeviceCodeFlow(authorization, now: .zero)
        var withoutRefresh = grant
        withoutRefresh.refreshToken = nil
        #expect(flow.answered(.granted(withoutRefresh), now: .seconds(5)) == .failed(.noRefreshToken))
    }

    @Test func theMFADecisionReadsCodeOrMessage() {
        #expect(MFARequirement.isMissing(code: "900421", message: nil))
        #expect(MFARequirement.isMissing(code: "Unauthorized", message: "Multi-factor authentication is required"))
        #expect(MFARequirement.isMissing(code: nil, message: "AADSTS50076: you must use MFA to access"))
        #expect(!MFARequirement.isMissing(code: "Unauthorized", message: "a valid bearer token is required"))
        #expect(!MFARequirement.isMissing(code: nil, message: nil))
    }

    @Test func refusalsNameTheirAADSTSCodes() {
        let refusal = OAuthRefusal(
            grant: "refresh_token", httpStatus: 400,
            json: ["error": "invalid_grant", "error_description": "AADSTS700082: The refresh token has expired due to inactivity."])
        #expect(refusal.named == "invalid_grant, AADSTS700082")
        #expect(refusal.needsSignIn)
        #expect(
            TokenError.signInAgain(login: "referral-bulk login --profile nightly", refusal: refusal.named).description
                == "the refresh token has expired or was revoked (invalid_grant, AADSTS700082): sign in again: referral-bulk login --profile nightly")
    }
}
