import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ReferralModel

/// The HTTP surface: the referral API, its token endpoint, and the
/// `/_sandbox` inspection routes.
///
/// Order of checks on a referral request (as the real API would meet them):
/// authentication (401) → injected faults (503, dropped connection) → rate
/// limit (429) → request-id replay (`client-request-id`, else `MS-RequestId`;
/// the stored first answer, nothing
/// applied again) → 404 → role (403) → `If-Match` (412) → patch syntax (400)
/// → schema and transitions (400) → apply atomically → remember the answer
/// → lost-response fault (applied, then the connection closes unanswered).
struct SandboxRoutes: Sendable {
    let configuration: SandboxConfiguration
    let store: ReferralStore
    let tokens: TokenRegistry
    let devices: DeviceCodeRegistry
    let faults: FaultPlan
    let limiter: RateLimiter?

    static let clientRequestIDHeader = HTTPField.Name("client-request-id")!
    static let legacyRequestIDHeader = HTTPField.Name("MS-RequestId")!

    /// The id a retried call is recognised by: the Partner API's
    /// `client-request-id`, else (older clients) `MS-RequestId`.
    static func requestID(_ request: Request) -> String? {
        request.headers[clientRequestIDHeader] ?? request.headers[legacyRequestIDHeader]
    }
    static let preferHeader = HTTPField.Name("Prefer")!
    static let referralPath = "/v1.0/engagements/referrals/:id"
    static let listPath = "/v1.0/engagements/referrals"

    init(configuration: SandboxConfiguration, store: ReferralStore, tokens: TokenRegistry) {
        self.configuration = configuration
        self.store = store
        self.tokens = tokens
        devices = DeviceCodeRegistry(seed: configuration.seed, autoApprove: configuration.autoApprove, now: tokens.now)
        faults = FaultPlan(
            seed: configuration.seed, failRate: configuration.failRate, dropRate: configuration.dropRate,
            lostResponseRate: configuration.lostResponseRate, latency: configuration.latency, jitter: configuration.jitter)
        limiter = configuration.rateLimit.map { limit in
            RateLimiter(
                schedule: RateSchedule(initial: limit, steps: configuration.rateSchedule),
                shape: configuration.rateWindow.map { .fixedWindow($0) } ?? .tokenBucket(burst: configuration.rateBurst))
        }
    }

    func router() -> Router<SandboxContext> {
        let router = Router(context: SandboxContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.get(RouterPath(Self.referralPath)) { request, context in
            try await referral(request, context, isWrite: false)
        }
        router.get(RouterPath(Self.listPath)) { request, context in
            try await list(request, context)
        }
        router.patch(RouterPath(Self.referralPath)) { request, context in
            try await referral(request, context, isWrite: true)
        }
        router.post("/oauth2/token") { request, _ in
            try await token(request)
        }
        IdentityRoutes(tokens: tokens, devices: devices).add(to: router)
        router.get("/_sandbox/referrals") { _, _ in
            Self.response(.json(200, ["items": .array(store.allReferrals())]))
        }
        router.get("/_sandbox/log") { _, _ in
            Self.response(.json(200, ["items": .array(store.changeLog().map(\.json))]))
        }
        router.get("/_sandbox/stats") { _, _ in
            Self.response(.json(200, Self.statsJSON(limiter?.stats)))
        }
        return router
    }

    /// What every API request meets first: authentication (401), injected
    /// faults (503, dropped connection) and the rate limit (429).
    private enum Admission {
        /// `quota`: what to announce in the answer's headers (`--rate-headers`).
        case admitted(SandboxRole, fault: FaultPlan.Fault?, quota: RateLimiter.Decision?)
        case refused(Response)
    }

    private func admit(_ request: Request, _ context: SandboxContext, isWrite: Bool) async throws -> Admission {
        let authorization = request.headers[.authorization] ?? ""
        let bearer = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst(7)) : ""
        guard let grant = tokens.grant(for: bearer) else {
            return .refused(Self.response(.error(401, "Unauthorized", "a valid bearer token is required")))
        }
        // Partner Center requires MFA on App+User calls; the reports we have carry this code.
        guard grant.mfa else {
            return .refused(
                Self.response(
                    .error(401, "900421", "Multi-factor authentication is required: this token was issued without MFA.")))
        }
        let role = grant.role
        let requestID = Self.requestID(request)
        let faultKey = requestID ?? "\(request.method) \(request.uri.path)"
        let decision = faults.decide(key: faultKey, occurrence: store.nextOccurrence(of: faultKey), isWrite: isWrite)
        // No tolerance: by default the runtime may answer a tenth late (55 ms for --latency 50ms).
        if decision.delay > .zero { try await Task.sleep(for: decision.delay, tolerance: .zero) }
        switch decision.fault {
        case .unavailable:
            return .refused(Self.response(.error(503, "ServiceUnavailable", "the service is temporarily unavailable (injected)")))
        case .dropConnection:
            try drop(context)
        case .loseResponse, nil:
            break
        }
        let quota = limiter?.take()
        let announced = configuration.rateHeaders ? quota : nil
        if let quota, let retryAfter = quota.retryAfter {
            var refused = Self.response(.throttled(retryAfter: retryAfter), quota: announced)
            if let told = configuration.rateRetryAfter { refused.headers[.retryAfter] = told }
            return .refused(refused)
        }
        return .admitted(role, fault: decision.fault, quota: announced)
    }

    private func referral(_ request: Request, _ context: SandboxContext, isWrite: Bool) async throws -> Response {
        let role: SandboxRole, fault: FaultPlan.Fault?, announced: RateLimiter.Decision?
        switch try await admit(request, context, isWrite: isWrite) {
        case .refused(let response): return response
        case .admitted(let admitted, let decided, let quota): (role, fault, announced) = (admitted, decided, quota)
        }
        let requestID = Self.requestID(request)
        let id = (context.parameters.get("id") ?? "").removingPercentEncoding ?? ""
        if let hostile = configuration.hostile, let answer = Self.hostileAnswer(hostile, isWrite: isWrite, uri: request.uri.path, referral: store.referral(id)) {
            return answer
        }
        guard isWrite else {
            guard role != .billingAdmin else {
                return Self.response(.error(403, "Forbidden", "this role has no referral rights"), quota: announced)
            }
            guard let referral = store.referral(id) else {
                return Self.response(.error(404, "NotFound", "no referral with id \(id)"), quota: announced)
            }
            return Self.response(.json(200, referral, eTag: referral["eTag"]?.stringValue), quota: announced)
        }
        let body = try await request.body.collect(upTo: 1 << 20)
        let answer = store.patch(
            id: id, body: Array(body.readableBytesView), ifMatch: request.headers[.ifMatch], requestID: requestID,
            returnRepresentation: request.headers[Self.preferHeader]?.contains("return=representation") == true,
            replay: configuration.replaysRequestIDs,
            mayUpdate: { referral in Self.may(role, update: referral) })
        if fault == .loseResponse, (200..<300).contains(answer.status) {
            try drop(context)
        }
        return Self.response(answer, quota: announced)
    }

    /// `GET /_sandbox/stats`: what the tenant's limit accepted and refused,
    /// over how long, and how many calls it allowed in that time.
    static func statsJSON(_ stats: RateLimiter.Stats?) -> JSONValue {
        guard let stats else { return ["limited": false] }
        let seconds = stats.elapsed.inSeconds
        return [
            "limited": true, "accepted": .number(Decimal(stats.accepted)), "refused": .number(Decimal(stats.refused)),
            "elapsedSeconds": .number(Decimal(seconds)), "allowance": .number(Decimal(stats.allowance)),
        ]
    }

    /// What a hostile server answers instead of the faithful one; nil where
    /// the mode leaves this request alone. Nothing is ever applied.
    static func hostileAnswer(_ mode: HostileMode, isWrite: Bool, uri: String, referral: JSONValue?) -> Response? {
        let json = referral.map { JSONWriter.bytes($0) } ?? []
        switch (mode, isWrite) {
        case (.htmlReads, false):
            let page = "<!doctype html><html><body><form action=\"/login\">Sign in to continue</form></body></html>"
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
        case (.emptyReads, false):
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init())
        case (.truncatedReads, false):
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json.prefix(json.count / 2))))
        case (.trickleReads(let interval), false):
            let body = ResponseBody(contentLength: json.count) { writer in
                for byte in json {
                    try await writer.write(ByteBuffer(bytes: [byte]))
                    try await Task.sleep(for: interval)
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
        case (.redirectWrites(let base), true):
            return Response(status: .temporaryRedirect, headers: [.location: base + uri], body: .init())
        case (.throttleEverything(let seconds), _):
            return response(.throttled(retryAfter: seconds))
        default:
            return nil
        }
    }

    /// `GET /v1.0/engagements/referrals`: one page of the referrals this
    /// user may see that match `$filter`, in `$orderby` order, with an
    /// `@odata.nextLink` (same options, a new `$skiptoken`) while more follow.
    private func list(_ request: Request, _ context: SandboxContext) async throws -> Response {
        let role: SandboxRole
        switch try await admit(request, context, isWrite: false) {
        case .refused(let response): return response
        case .admitted(let admitted, _, _): role = admitted
        }
        guard role != .billingAdmin else { return Self.response(.error(403, "Forbidden", "this role has no referral rights")) }
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        let query: ListQuery
        do {
            query = try ListQuery(parameters: parameters)
        } catch {
            return Self.response(.error(400, error.code, error.description))
        }
        let page = store.page(order: query.order, after: query.skipToken?.after, limit: query.pageSize) { referral in
            // A Referral User sees the referrals whose team lists them, as for updates.
            Self.may(role, update: referral) && (query.filter.map { FilterEvaluator.matches($0, referral) } ?? true)
        }
        // `@odata.count` as the documented pages carry it: here, the referrals on this page
        // (the docs do not say whether it counts the page or every match; a client must not rely on either).
        var body: JSONObject = ["value": .array(page.items), "@odata.count": .number(Decimal(page.items.count))]
        if page.hasMore, let last = page.last {
            var options = parameters.filter { $0.key != "$skiptoken" }
            options["$skiptoken"] = SkipToken(order: query.order, after: last).encoded
            let host = request.head.authority.map { "http://\($0)" } ?? ""
            body["@odata.nextLink"] = .string(host + Self.listPath + "?" + Self.queryString(options))
        }
        return Self.response(.json(200, .object(body)))
    }

    /// `name=value&...` in a stable order, values percent-encoded (the names are OData's own `$...`).
    static func queryString(_ options: [String: String]) -> String {
        options.sorted { $0.key < $1.key }.map { key, value in "\(key)=\(PercentEncoding.encode(value))" }.joined(separator: "&")
    }

    static func may(_ role: SandboxRole, update referral: JSONValue) -> Bool {
        switch role {
        case .globalAdmin, .referralAdmin: return true
        case .billingAdmin: return false
        case .referralUser:
            let team = referral["team"]?.arrayValue ?? []
            return team.contains { $0["email"]?.stringValue?.lowercased() == role.email }
        }
    }

    /// Closes the connection without answering, as a network failure would.
    private func drop(_ context: SandboxContext) throws -> Never {
        context.channel.close(promise: nil)
        throw ConnectionDropped()
    }

    /// `POST /oauth2/token` with an OAuth2 form body.
    private func token(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 * 1024)
        let form: TokenRequest
        do {
            form = try URLEncodedFormDecoder().decode(TokenRequest.self, from: String(decoding: body.readableBytesView, as: UTF8.self))
        } catch {
            return Self.response(.oauthError("invalid_request", "the body is not a form: \(error)"))
        }
        let issued: TokenRegistry.Issued?
        switch form.grantType {
        case "client_credentials":
            issued = try tokens.issue(clientID: form.clientID ?? "", clientSecret: form.clientSecret ?? "")
        case "refresh_token":
            issued = if case .success(let renewed) = try tokens.refresh(form.refreshToken ?? "") { renewed } else { nil }
        default:
            return Self.response(.oauthError("unsupported_grant_type", "grant_type must be client_credentials or refresh_token"))
        }
        guard let issued else { return Self.response(.oauthError("invalid_grant", "the credentials or refresh token are not valid")) }
        return Self.response(
            .json(
                200,
                [
                    "access_token": .string(issued.accessToken), "refresh_token": .string(issued.refreshToken),
                    "token_type": "Bearer", "expires_in": .number(.init(Int(issued.expiresIn.components.seconds))),
                ]))
    }

    static let rateLimitPolicyHeader = HTTPField.Name("RateLimit-Policy")!
    static let rateLimitHeader = HTTPField.Name("RateLimit")!

    static func response(_ answer: SandboxResponse, quota: RateLimiter.Decision? = nil) -> Response {
        var headers = HTTPFields()
        if !answer.body.isEmpty { headers[.contentType] = "application/json" }
        if let eTag = answer.eTag { headers[.eTag] = eTag.hasPrefix("\"") || eTag.hasPrefix("W/") ? eTag : ReferralStore.quoted(eTag) }
        if let retryAfter = answer.retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let quota {
            // IETF structured fields (draft-ietf-httpapi-ratelimit-headers).
            headers[rateLimitPolicyHeader] = "\"tenant\";q=\(quota.limit);w=\(quota.window)"
            headers[rateLimitHeader] = "\"tenant\";r=\(quota.remaining);t=\(quota.reset)"
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
