import Foundation

/// An OAuth2 token endpoint (the identity platform's `/oauth2/v2.0/token`,
/// or `--token-url`) and the client that asks it: the one place that sends
/// grants. The refresh grant carries `client_id`, `scope` and a
/// confidential client's secret, as the identity platform requires.
package struct TokenEndpoint: Sendable {
    package var url: String
    package var clientID: String?
    package var clientSecret: Secret?
    /// Space-separated scopes; nil sends none (a generic OAuth2 server).
    package var scope: String?
    package let client: ReferralAPIClient

    package init(url: String, clientID: String?, clientSecret: Secret?, scope: String?, client: ReferralAPIClient) {
        self.url = url
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
        self.client = client
    }

    /// What the endpoint said to a grant.
    package enum Answer: Sendable, Equatable {
        case granted(TokenGrant)
        case refused(OAuthRefusal)
    }

    /// The refresh grant (RFC 6749 §6).
    package func refresh(_ refreshToken: Secret) async throws(TokenError) -> Answer {
        try await post(grant: "refresh_token", [("refresh_token", refreshToken.revealed)])
    }

    /// The client credentials grant (§4.4); needs the client id and secret.
    package func clientCredentials() async throws(TokenError) -> Answer {
        guard clientID != nil, clientSecret != nil else { throw .noOAuthCredentials }
        return try await post(grant: "client_credentials", [])
    }

    /// One poll of the device authorization grant (RFC 8628 §3.4).
    package func deviceCode(_ deviceCode: Secret) async throws(TokenError) -> Answer {
        try await post(grant: DeviceCodeFlow.grantType, [("device_code", deviceCode.revealed)])
    }

    /// POSTs the grant with the client's id, secret and scope.
    package func post(grant: String, _ fields: [(String, String)]) async throws(TokenError) -> Answer {
        var form = [("grant_type", grant)] + fields
        if let clientID { form.append(("client_id", clientID)) }
        if let clientSecret { form.append(("client_secret", clientSecret.revealed)) }
        if let scope { form.append(("scope", scope)) }
        let response = try await send(form)
        if response.status == 200, let json = response.json, let grant = try TokenGrant.parse(json) { return .granted(grant) }
        return .refused(OAuthRefusal(grant: grant, httpStatus: response.status, json: response.json))
    }

    /// POSTs `form` to `url`, answer read whole; transport failures and redirects in our words.
    package func send(_ form: [(String, String)], to url: String? = nil) async throws(TokenError) -> APIResponse {
        let response: APIResponse
        do {
            response = try await client.postForm(url: url ?? self.url, fields: form)
        } catch {
            throw .endpointUnreachable(TransportFailure(error))
        }
        if let redirect = AnswerCheck.redirect(response) { throw .endpointRedirected(reason: redirect) }
        return response
    }
}
