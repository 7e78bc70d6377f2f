import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import ReferralModel

/// The HTTP side of the referral API over AsyncHTTPClient: one connection
/// pool sized to the run's concurrency, the request's headers sent as
/// built (`ReferralRequest`, `ReferralSender`), and answers taken as the
/// endpoint itself gave them.
///
/// - Redirects are never followed: the token and the patch would go
///   somewhere else. A 3xx comes back as an answer for the sender to refuse.
/// - `timeout` bounds the whole attempt, headers and body: a body that
///   trickles or stalls ends as `TransportFailure.timedOut`.
/// - A connection that cannot be made fails at once (no silent reconnect
///   loop inside the library); the sender's retries and `EndpointHealth`
///   decide what happens next.
/// - Every failure is thrown as a `TransportFailure`: the library's error
///   text, which can quote headers, never leaves this type.
package final class ReferralAPIClient: ReferralTransport {
    private let client: HTTPClient
    private let timeout: Duration
    /// Largest answer body accepted (a referral is a few kB).
    static let bodyLimit = 8 << 20

    package init(concurrency: Int, timeout: Duration = .seconds(30)) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, concurrency))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: TimeAmount(min(timeout, Self.connectTimeout)))
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .enabled(limit: .ratio(50))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.timeout = timeout
    }

    /// Long enough for a TCP handshake across the world, short enough that
    /// a host that drops packets is told within seconds.
    static let connectTimeout: Duration = .seconds(3)

    package func send(_ request: ReferralRequest, token: Secret) async throws -> APIResponse {
        var http = HTTPClientRequest(url: request.url)
        http.method = HTTPMethod(rawValue: request.method.rawValue)
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        http.headers.add(name: "Authorization", value: "Bearer \(token.revealed)")
        if !request.body.isEmpty { http.body = .bytes(ByteBuffer(bytes: request.body)) }
        return try await execute(http, limit: Self.bodyLimit)
    }

    /// Form-encoded POST (the OAuth2 token endpoint).
    func postForm(url: String, fields: [(String, String)]) async throws -> APIResponse {
        var http = HTTPClientRequest(url: url)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        http.headers.add(name: "Accept", value: "application/json")
        let form = fields.map { name, value in "\(name)=\(PercentEncoding.encode(value))" }.joined(separator: "&")
        http.body = .bytes(ByteBuffer(string: form))
        return try await execute(http, limit: 1 << 20)
    }

    /// Sends and reads the whole answer within one deadline; throws only `TransportFailure`.
    private func execute(_ http: HTTPClientRequest, limit: Int) async throws(TransportFailure) -> APIResponse {
        let deadline = ContinuousClock.now + timeout
        do {
            let response = try await client.execute(http, deadline: .now() + TimeAmount(timeout))
            // The library's deadline ends with the headers: the body gets what is left of ours.
            let body = try await Self.collect(response.body, limit: limit, until: deadline)
            return APIResponse(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                body: Array(body.readableBytesView))
        } catch {
            throw TransportFailure(error)
        }
    }

    /// The body, or `timedOut` at `deadline`; cancelling the read closes the connection.
    static func collect(_ body: HTTPClientResponse.Body, limit: Int, until deadline: ContinuousClock.Instant) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let body = try await group.next() ?? nil else { throw TransportFailure.timedOut }
            return body
        }
    }

    package func shutdown() async throws {
        try await client.shutdown()
    }
}

extension TimeAmount {
    init(_ duration: Duration) { self = .nanoseconds(duration.saturatingNanoseconds) }
}
