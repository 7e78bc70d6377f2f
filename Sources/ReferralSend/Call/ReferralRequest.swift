import Foundation
import ReferralModel
import ReferralOutcome

/// One HTTP request to the referral API as plain values: built and tested
/// without a network, sent by `ReferralAPIClient`.
package struct ReferralRequest: Sendable, Equatable {
    package enum Method: String, Sendable { case get = "GET", patch = "PATCH" }

    package var method: Method
    package var url: String
    package var headers: [(String, String)]
    package var body: [UInt8]

    /// The `client-request-id` the call is sent under (the same on every attempt).
    package var requestID: String? { headers.first { $0.0 == "client-request-id" }?.1 }

    package static func == (lhs: ReferralRequest, rhs: ReferralRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body
            && lhs.headers.map { "\($0.0): \($0.1)" } == rhs.headers.map { "\($0.0): \($0.1)" }
    }

    /// `{endpoint}/v1.0/engagements/referrals/{id}` with the ID percent-encoded,
    /// so no ID can add a segment, a query or a fragment to the path.
    package static func url(endpoint: String, referralID: String) -> String {
        "\(endpoint)/v1.0/engagements/referrals/\(PercentEncoding.encode(referralID))"
    }

    package static func get(endpoint: String, referralID: String, requestID: String) -> ReferralRequest {
        ReferralRequest(
            method: .get, url: url(endpoint: endpoint, referralID: referralID),
            headers: commonHeaders(requestID: requestID), body: [])
    }

    /// The first page of the referral list: `$filter` (percent-encoded),
    /// `$orderby`, `$top`. Later pages are the API's `@odata.nextLink`, as given.
    package static func listURL(endpoint: String, filter: String?, orderBy: String, top: Int?) -> String {
        var options = ["$orderby=" + PercentEncoding.encode(orderBy)]
        if let filter { options.append("$filter=" + PercentEncoding.encode(filter)) }
        if let top { options.append("$top=\(top)") }
        return "\(endpoint)/v1.0/engagements/referrals?" + options.joined(separator: "&")
    }

    /// A GET of one page of the referral list.
    package static func list(url: String, requestID: String) -> ReferralRequest {
        ReferralRequest(method: .get, url: url, headers: commonHeaders(requestID: requestID), body: [])
    }

    package static func patch(
        endpoint: String, referralID: String, operations: [PatchOperation], ifMatch: String?, requestID: String,
        returnRepresentation: Bool
    ) -> ReferralRequest {
        var headers = commonHeaders(requestID: requestID)
        headers.append(("Content-Type", "application/json"))
        if let ifMatch { headers.append(("If-Match", ifMatch.hasPrefix("\"") || ifMatch.hasPrefix("W/") ? ifMatch : "\"\(ifMatch)\"")) }
        if returnRepresentation { headers.append(("Prefer", "return=representation")) }
        return ReferralRequest(
            method: .patch, url: url(endpoint: endpoint, referralID: referralID), headers: headers,
            body: PatchOperation.body(operations))
    }

    /// The request id is the caller's: a new GUID per logical call, the same
    /// on every retry of it. `client-request-id` is the Partner API's own
    /// header (what lets the service drop a retried duplicate);
    /// `MS-RequestId` carries the same value for the gateways and the other
    /// Partner Center API that read it. The run's `MS-CorrelationId` is
    /// added by the sender, which knows the run.
    static func commonHeaders(requestID: String) -> [(String, String)] {
        [
            ("Accept", "application/json"), ("client-request-id", requestID), ("MS-RequestId", requestID),
            ("MS-PartnerCenter-Application", "referral-bulk"),
        ]
    }
}

/// What came back: plain values.
package struct APIResponse: Sendable {
    package var status: Int
    package var headers: [(String, String)]
    package var body: [UInt8]

    package init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    package var json: JSONValue? { try? JSONParser.parse(body) }

    /// The server's own id of this answer (`Request-ID`, any case), cleaned:
    /// what Microsoft support asks for. Nil when the answer carries none.
    package var serverRequestID: String? {
        guard let value = header("Request-ID"), !value.isEmpty else { return nil }
        return ServerText.clean(value, limit: 80)
    }

    /// The eTag of the referral after this answer (header, else body), unquoted
    /// (the API's JSON carries it quoted: `"\"2500ec5a-…\""`).
    package var eTag: String? {
        if let header = header("ETag") { return ETag.unquoted(header) }
        return json?["eTag"]?.stringValue.map(ETag.unquoted)
    }
}

/// Sends requests; a protocol so the sender is tested with a scripted fake.
package protocol ReferralTransport: Sendable {
    /// Sends one attempt with this bearer token. Throws when no answer came
    /// (timeout, connection refused or dropped).
    func send(_ request: ReferralRequest, token: Secret) async throws -> APIResponse
}
