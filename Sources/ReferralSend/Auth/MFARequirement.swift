
/// Whether an API `401` says the token lacks multi-factor authentication
/// (Partner Center requires MFA on App+User calls since 2026; the reports
/// we have carry error code `900421`). A fresh token from the same sign-in
/// would not cure that, so the run stops at once with a sentence that says
/// what to do instead of "the token was rejected".
enum MFARequirement {
    /// The decision, from an error's code and message alone.
    static func isMissing(code: String?, message: String?) -> Bool {
        if let code, code == "900421" || code.hasSuffix("900421") { return true }
        guard let message = message?.lowercased() else { return false }
        return message.contains("multi-factor") || message.contains("multifactor") || message.contains("mfa")
            || message.contains("900421")
    }

    /// Whether `response` is a 401 that says MFA is missing, in its code,
    /// its message or an inner error's (read by `ServerError`, the one
    /// reader of error bodies).
    static func isMissing(in response: APIResponse) -> Bool {
        guard response.status == 401 else { return false }
        let error = ServerError(response)
        return isMissing(code: error.code, message: error.message)
            || error.innerCodes.contains { isMissing(code: $0, message: nil) }
            || error.innerMessages.contains { isMissing(code: nil, message: $0) }
    }
}
