import ReferralModel

/// An answer of the sandbox's API, as plain values (kept in the replay cache).
public struct SandboxResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
    public var eTag: String?
    public var retryAfter: Int?

    static func json(_ status: Int, _ value: JSONValue, eTag: String? = nil) -> SandboxResponse {
        SandboxResponse(status: status, body: JSONWriter.bytes(value), eTag: eTag)
    }

    /// The error body every failure carries: a stable `code` and a human `description`.
    static func error(_ status: Int, _ code: String, _ description: String, retryAfter: Int? = nil) -> SandboxResponse {
        var response = json(status, ["code": .string(code), "description": .string(description)])
        response.retryAfter = retryAfter
        return response
    }
}
