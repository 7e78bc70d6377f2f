import Foundation
import ReferralModel

/// `referral-bulk login`: the device authorization grant against the
/// identity platform v2 (`{authority}/{tenant}/oauth2/v2.0/devicecode`,
/// then `/token`), carried out for `DeviceCodeFlow`, which decides; ends
/// with the profile's token cache written. The executable only draws the
/// identity platform's message.
package struct DeviceCodeSignIn: Sendable {
    package static let defaultAuthority = "https://login.microsoftonline.com"
    /// `openid profile` on top of the API's scopes: the ID token says who signed in.
    package static let identityScopes = ["openid", "profile"]

    package var authority: String
    package var tenant: String
    package var clientID: String
    package var clientSecret: Secret?
    package var scopes: [String]
    package let client: ReferralAPIClient
    /// Sleeps until an instant; a test's sleeps return at once.
    package var sleep: @Sendable (ContinuousClock.Instant) async throws -> Void = { try await Task.sleep(until: $0) }

    package init(authority: String, tenant: String, clientID: String, clientSecret: Secret?, scopes: [String], client: ReferralAPIClient) {
        self.authority = authority.hasSuffix("/") ? String(authority.dropLast()) : authority
        self.tenant = tenant
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
        self.client = client
    }

    package var deviceCodeURL: String { "\(authority)/\(tenant)/oauth2/v2.0/devicecode" }
    package var tokenURL: String { Self.tokenURL(authority: authority, tenant: tenant) }

    /// The identity platform v2's token endpoint of `tenant`.
    package static func tokenURL(authority: String, tenant: String) -> String { "\(authority)/\(tenant)/oauth2/v2.0/token" }
    private var requestedScope: String { (scopes + Self.identityScopes.filter { !scopes.contains($0) }).joined(separator: " ") }

    /// Why a sign-in did not start or finish.
    package enum Failure: Error, Sendable, CustomStringConvertible {
        case token(TokenError)
        case flow(DeviceCodeFlow.Failure)
        /// `/devicecode` answered without a device code.
        case notStarted(OAuthRefusal)

        package var description: String {
            switch self {
            case .token(let error): error.description
            case .flow(let failure): failure.description
            case .notStarted(let refusal):
                "the identity platform did not start a sign-in (\(refusal.named)); check --tenant and --client-id"
            }
        }
    }

    /// Asks `/devicecode` for a code; its `message` is what the person reads.
    package func start() async throws(Failure) -> DeviceCodeFlow.Authorization {
        let endpoint = TokenEndpoint(url: deviceCodeURL, clientID: clientID, clientSecret: nil, scope: requestedScope, client: client)
        let response: APIResponse
        do { response = try await endpoint.send([("client_id", clientID), ("scope", requestedScope)]) } catch { throw .token(error) }
        let json = response.json
        guard response.status == 200, let json, let deviceCode = json["device_code"]?.stringValue,
            let userCode = json["user_code"]?.stringValue, let uri = json["verification_uri"]?.stringValue
        else {
            throw .notStarted(OAuthRefusal(grant: "device_code", httpStatus: response.status, json: json))
        }
        return DeviceCodeFlow.Authorization(
            deviceCode: Secret(deviceCode), userCode: userCode, verificationURI: uri, message: json["message"]?.stringValue,
            interval: TokenRenewal.lifetime(json["interval"]).map { max($0, .seconds(1)) },
            lifetime: TokenRenewal.lifetime(json["expires_in"]) ?? .seconds(900))
    }

    /// Polls until the person approved, declined, or the code expired, or
    /// until the task is cancelled (Ctrl-C); then writes the cache to `file`.
    package func finish(_ authorization: DeviceCodeFlow.Authorization, into file: TokenCacheFile, now: Int64 = Int64(Date().timeIntervalSince1970))
        async throws(Failure) -> TokenCache
    {
        let endpoint = TokenEndpoint(url: tokenURL, clientID: clientID, clientSecret: clientSecret, scope: requestedScope, client: client)
        let start = ContinuousClock.now
        var flow = DeviceCodeFlow(authorization, now: .zero)
        var action = flow.firstPoll
        while true {
            switch action {
            case .signedIn(let grant):
                let cache = TokenCache(
                    tokenURL: tokenURL, tenant: tenant, clientID: clientID, scopes: scopes, account: grant.account,
                    refreshToken: grant.refreshToken!, refreshIssued: now
                ).rotated(by: grant, at: now)
                do { try file.write(cache) } catch { throw .token(error) }
                return cache
            case .failed(let failure):
                throw .flow(failure)
            case .poll(let at):
                do { try await sleep(start + at) } catch { action = flow.interrupted(); continue }
                if Task.isCancelled { action = flow.interrupted(); continue }
                let elapsed = ContinuousClock.now - start
                do {
                    action = flow.answered(try await endpoint.deviceCode(authorization.deviceCode), now: elapsed)
                } catch {
                    action = Task.isCancelled ? flow.interrupted() : flow.unansweredPoll(error.description, now: elapsed)
                }
            }
        }
    }
}
