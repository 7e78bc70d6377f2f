/// The form fields of `POST /oauth2/token` the sandbox reads: the client
/// credentials grant (RFC 6749 §4.4) and the refresh grant (§6). Other
/// fields (`scope`) are accepted and ignored, as the real endpoint does.
struct TokenRequest: Decodable {
    var grantType: String?
    var clientID: String?
    var clientSecret: String?
    var refreshToken: String?

    enum CodingKeys: String, CodingKey {
        case grantType = "grant_type"
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case refreshToken = "refresh_token"
    }
}
