/// `POST /_sandbox/devicecode`: what the person in the browser decides for
/// a user code (`approve`, `approve-without-mfa` or `decline`), and as whom.
struct DeviceDecisionRequest: Decodable {
    var userCode: String
    var decision: String?
    var role: String?

    enum CodingKeys: String, CodingKey {
        case userCode = "user_code"
        case decision, role
    }
}
