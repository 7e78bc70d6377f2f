import ReferralModel

/// An answer of the sandbox's API, as plain values (kept in the replay cache).
struct SandboxResponse: Sendable, Equatable {
    var status: Int
    var body: [UInt8]
    var eTag: String?
    var retryAfter: Int?

    static func json(_ status: Int, _ value: JSONValue, eTag: String? = nil) -> SandboxResponse {
        SandboxResponse(status: status, body: JSONWriter.bytes(value), eTag: eTag)
    }

    /// An error in the documented shape: one `error` object with a stable
    /// `code`, a human `message`, an optional `target` and, where the real
    /// API has one, an `innerError` with its own code (`99918` on a 412).
    static func error(
        _ status: Int, _ code: String, _ message: String, target: String? = nil, inner: (code: String, message: String)? = nil,
        retryAfter: Int? = nil
    ) -> SandboxResponse {
        var error: JSONObject = ["code": .string(code), "message": .string(message)]
        if let target { error["target"] = .string(target) }
        if let inner { error["innerError"] = ["code": .string(inner.code), "message": .string(inner.message), "details": .null] }
        var response = json(status, ["error": .object(error)])
        response.retryAfter = retryAfter
        return response
    }

    /// A 412 as the real API answers one (inner code `99918`).
    static func preconditionFailed(_ message: String) -> SandboxResponse {
        error(
            412, "PreconditionFailed", message, target: "ETag",
            inner: ("99918", "One of the specified pre-condition is not met. Etag value did not Match"))
    }

    /// What Partner Center's throttling gateway answers: `429`,
    /// `Retry-After`, and its own body shape (not the API's error object).
    static func throttled(retryAfter seconds: Int) -> SandboxResponse {
        var response = json(
            429, ["statusCode": 429, "message": .string("Rate limit is exceeded. Try again in \(seconds) seconds.")])
        response.retryAfter = seconds
        return response
    }

    /// The token endpoint's errors, in OAuth 2.0's shape (RFC 6749 §5.2).
    static func oauthError(_ error: String, _ description: String) -> SandboxResponse {
        json(400, ["error": .string(error), "error_description": .string(description)])
    }
}
