import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP side of the referral API over AsyncHTTPClient: one connection
/// pool sized to the run's concurrency, a timeout per attempt, and a fresh
/// `MS-CorrelationId` on every attempt.
public final class ReferralAPIClient: ReferralTransport {
    private let client: HTTPClient
    private let timeout: Duration

    public init(concurrency: Int, timeout: Duration = .seconds(30)) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, concurrency))
        configuration.timeout = .init(connect: .seconds(10))
        configuration.decompression = .enabled(limit: .ratio(50))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.timeout = timeout
    }

    public func send(_ request: ReferralRequest, token: Secret) async throws -> APIResponse {
        var http = HTTPClientRequest(url: request.url)
        http.method = HTTPMethod(rawValue: request.method.rawValue)
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        http.headers.add(name: "MS-CorrelationId", value: UUID().uuidString.lowercased())
        http.headers.add(name: "Authorization", value: "Bearer \(token.revealed)")
        if !request.body.isEmpty { http.body = .bytes(ByteBuffer(bytes: request.body)) }
        let response = try await client.execute(http, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
        let body = try await response.body.collect(upTo: 8 << 20)
        return APIResponse(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: Array(body.readableBytesView))
    }

    /// Form-encoded POST (the OAuth2 token endpoint).
    func postForm(url: String, fields: [(String, String)]) async throws -> APIResponse {
        var http = HTTPClientRequest(url: url)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        http.headers.add(name: "Accept", value: "application/json")
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let form = fields.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        http.body = .bytes(ByteBuffer(string: form))
        let response = try await client.execute(http, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return APIResponse(status: Int(response.status.code), headers: [], body: Array(body.readableBytesView))
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }
}
