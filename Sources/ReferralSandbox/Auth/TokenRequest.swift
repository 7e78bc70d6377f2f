/// The form fields of the token endpoints the sandbox reads: the client
/// credentials grant (RFC 6749 §4.4), the refresh grant (§6), the device
/// code grant (RFC 8628 §3.4), and `/devicecode`'s request (§3.1). Other
/// fields are accepted and ignored, as the real endpoint does.
struct TokenRequest: Decodable {
    var grantType: String?
    var clientID: String?
    var clientSecret: String?
    var refreshToken: String?
    var deviceCode: String?
    var scope: String?

    enum CodingKeys: String, CodingKey {
        case grantType = "grant_type"
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case refreshToken = "refresh_token"
        case deviceCode = "device_code"
        case scope
    }
}
