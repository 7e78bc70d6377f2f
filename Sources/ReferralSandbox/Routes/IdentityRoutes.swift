import Foundation
import Hummingbird
import ReferralModel

/// The Microsoft identity platform v2 as the sandbox plays it, under
/// `/{tenant}/oauth2/v2.0/`: `devicecode` and `token` (device code,
/// refresh and, refused for this API, client credentials grants), with
/// OAuth2 error bodies (`error`, `error_description`, `error_codes`).
/// `POST /_sandbox/devicecode` stands in for the person in the browser.
struct IdentityRoutes: Sendable {
    let tokens: TokenRegistry
    let devices: DeviceCodeRegistry

    func add(to router: Router<SandboxContext>) {
        router.post("/:tenant/oauth2/v2.0/devicecode") { request, _ in
            let form: TokenRequest
            do { form = try await Self.form(request) } catch { return Self.oauthError("invalid_request", 900_144, "the body is not a form") }
            guard form.clientID?.isEmpty == false else {
                return Self.oauthError("invalid_request", 900_144, "The request body must contain the following parameter: 'client_id'.")
            }
            let (deviceCode, userCode) = devices.start()
            let page = "http://\(request.head.authority ?? "127.0.0.1")/_sandbox/devicecode"
            return SandboxRoutes.response(
                .json(
                    200,
                    [
                        "device_code": .string(deviceCode), "user_code": .string(userCode), "verification_uri": .string(page),
                        "expires_in": .number(Decimal(Int(DeviceCodeRegistry.lifetime.components.seconds))),
                        "interval": .number(Decimal(Int(DeviceCodeRegistry.interval.components.seconds))),
                        "message": .string(
                            "To sign in, use a web browser to open the page \(page) and enter the code \(userCode) to authenticate."),
                    ]))
        }
        router.post("/:tenant/oauth2/v2.0/token") { request, _ in
            let form: TokenRequest
            do { form = try await Self.form(request) } catch { return Self.oauthError("invalid_request", 900_144, "the body is not a form") }
            return try token(form)
        }
        router.post("/_sandbox/devicecode") { request, _ in
            let body = try await request.body.collect(upTo: 64 * 1024)
            guard let form = try? URLEncodedFormDecoder().decode(DeviceDecisionRequest.self, from: String(decoding: body.readableBytesView, as: UTF8.self)) else {
                return SandboxRoutes.response(.error(400, "BadRequest", "send user_code and decision (approve, approve-without-mfa, decline)"))
            }
            let role = form.role.flatMap(SandboxRole.init(rawValue:)) ?? .referralAdmin
            let decision: DeviceCodeRegistry.Decision
            switch form.decision ?? "approve" {
            case "approve": decision = .approved(role, mfa: true)
            case "approve-without-mfa": decision = .approved(role, mfa: false)
            case "decline": decision = .declined
            default: return SandboxRoutes.response(.error(400, "BadRequest", "decision must be approve, approve-without-mfa or decline"))
            }
            guard devices.decide(userCode: form.userCode, decision) else {
                return SandboxRoutes.response(.error(404, "NotFound", "no sign-in is waiting for the code \(form.userCode)"))
            }
            return SandboxRoutes.response(.json(200, ["user_code": .string(form.userCode), "decision": .string(form.decision ?? "approve")]))
        }
    }

    private func token(_ form: TokenRequest) throws -> Response {
        switch form.grantType {
        case "urn:ietf:params:oauth:grant-type:device_code":
            switch devices.poll(form.deviceCode ?? "") {
            case .pending:
                return Self.oauthError("authorization_pending", 70_016, "OAuth 2.0 device flow error. Authorization is pending.")
            case .slowDown: return Self.oauthError("slow_down", 70_016, "Polling too fast: wait the interval between polls.")
            case .declined: return Self.oauthError("authorization_declined", 70_000, "The user declined the sign-in.")
            case .expired: return Self.oauthError("expired_token", 70_020, "The device code has expired.")
            case .unknown: return Self.oauthError("bad_verification_code", 70_019, "The device code is not known.")
            case .approved(let role, let mfa): return Self.granted(try tokens.issue(role: role, mfa: mfa))
            }
        case "refresh_token":
            // The v2 endpoint needs both on a refresh, as the identity platform documents.
            for (name, value) in [("client_id", form.clientID), ("scope", form.scope)] where value?.isEmpty ?? true {
                return Self.oauthError("invalid_request", 900_144, "The request body must contain the following parameter: '\(name)'.")
            }
            switch try tokens.refresh(form.refreshToken ?? "") {
            case .success(let issued): return Self.granted(issued)
            case .failure(let refusal): return Self.oauthError("invalid_grant", refusal.code, refusal.message)
            }
        case "client_credentials":
            return Self.oauthError(
                "unauthorized_client", 700_016,
                "The Partner Center referral API accepts App+User tokens only; an app-only token cannot be issued for it.")
        default:
            return Self.oauthError("unsupported_grant_type", 70_003, "The grant type is not supported.")
        }
    }

    private static func form(_ request: Request) async throws -> TokenRequest {
        let body = try await request.body.collect(upTo: 64 * 1024)
        return try URLEncodedFormDecoder().decode(TokenRequest.self, from: String(decoding: body.readableBytesView, as: UTF8.self))
    }

    /// The identity platform's token answer, with an unsigned ID token naming who signed in.
    private static func granted(_ issued: TokenRegistry.Issued) -> Response {
        let claims = JSONWriter.string(["preferred_username": .string(issued.role.email), "name": .string(issued.role.rawValue)])
        let payload = Data(claims.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return SandboxRoutes.response(
            .json(
                200,
                [
                    "access_token": .string(issued.accessToken), "refresh_token": .string(issued.refreshToken),
                    "id_token": .string("eyJhbGciOiJub25lIn0.\(payload)."), "token_type": "Bearer",
                    "scope": "https://api.partner.microsoft.com/user_impersonation",
                    "expires_in": .number(.init(Int(issued.expiresIn.components.seconds))),
                ]))
    }

    /// An RFC 6749 §5.2 error as the identity platform writes it.
    static func oauthError(_ error: String, _ code: Int, _ description: String) -> Response {
        SandboxRoutes.response(
            .json(
                400,
                [
                    "error": .string(error), "error_description": .string("AADSTS\(code): \(description)"),
                    "error_codes": .array([.number(Decimal(code))]),
                ]))
    }
}
