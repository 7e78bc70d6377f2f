import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ReferralModel
import ReferralSandbox

/// A sandbox on a free loopback port for one test, with a raw HTTP client,
/// both stopped when the test's closure returns (or throws): what every
/// test target that needs a server shares, in the spirit of
/// HummingbirdTesting's `TestApplication`.
package struct TestSandbox: Sendable {
    package let sandbox: RunningSandbox
    package let client: HTTPClient

    /// The built-in sample referrals (the same as `samples/referrals.json`).
    package static func sampleReferrals() -> [JSONValue] { SeedReferrals.samples }

    /// The sample referral with this 1-based number (1–25 New, 26–45 Active, 46–60 Closed).
    package static func sampleID(_ number: Int) throws(NoSuchSample) -> String {
        let samples = sampleReferrals()
        guard samples.indices.contains(number - 1), let id = samples[number - 1]["id"]?.stringValue else {
            throw NoSuchSample(number: number, count: samples.count)
        }
        return id
    }

    /// `sampleID(_:)` was asked for a number the samples do not have.
    package struct NoSuchSample: Error, CustomStringConvertible {
        package var number: Int
        package var count: Int
        package var description: String { "there is no sample referral \(number): the samples are 1 to \(count)" }
    }

    /// Starts a sandbox (port 0: the system picks a free one), runs `body`, stops it.
    package static func with<T>(
        _ configure: (inout SandboxConfiguration) -> Void = { _ in }, referrals: [JSONValue]? = nil,
        _ body: (TestSandbox) async throws -> T
    ) async throws -> T {
        var configuration = SandboxConfiguration()
        configure(&configuration)
        let sandbox = try await SandboxServer.start(configuration, referrals: referrals ?? sampleReferrals())
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let result = try await body(TestSandbox(sandbox: sandbox, client: client))
            try await client.shutdown()
            await sandbox.stop()
            return result
        } catch {
            try? await client.shutdown()
            await sandbox.stop()
            throw error
        }
    }

    /// One answer as the wire carried it.
    package struct Reply: Sendable {
        package var status: Int
        package var headers: HTTPHeaders
        package var body: [UInt8]
        package var json: JSONValue? { try? JSONParser.parse(body) }
        /// The documented error object's `code` and `message` (for the
        /// token endpoint: OAuth's `error` string).
        package var code: String? { json?["error"]?["code"]?.stringValue ?? json?["error"]?.stringValue }
        package var message: String? { json?["error"]?["message"]?.stringValue }
    }

    package var baseURL: String { sandbox.baseURL }
    package var adminToken: String { sandbox.tokens[.referralAdmin]! }

    package func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: sandbox.baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
    }

    package func get(_ id: String, token: String? = nil) async throws -> Reply {
        try await send(.GET, "/v1.0/engagements/referrals/\(id)", token: token ?? adminToken)
    }

    package func patch(
        _ id: String, _ body: String, token: String? = nil, headers: [(String, String)] = []
    ) async throws -> Reply {
        try await send(.PATCH, "/v1.0/engagements/referrals/\(id)", token: token ?? adminToken, headers: headers, body: body)
    }

    /// The referral as the server holds it now (read past the HTTP layer).
    package func referral(_ id: String) -> JSONValue? {
        sandbox.referrals().first { $0["id"]?.stringValue == id }
    }

    /// Every change the server applied, oldest first.
    package func changeLog() -> [ChangeRecord] { sandbox.changeLog() }
}
