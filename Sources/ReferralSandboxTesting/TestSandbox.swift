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
public struct TestSandbox: Sendable {
    public let sandbox: RunningSandbox
    public let client: HTTPClient

    /// The built-in sample referrals (the same as `samples/referrals.json`).
    public static func sampleReferrals() -> [JSONValue] { SeedReferrals.samples }

    /// The sample referral with this 1-based number (1–25 New, 26–45 Active, 46–60 Closed).
    public static func sampleID(_ number: Int) throws(NoSuchSample) -> String {
        let samples = sampleReferrals()
        guard samples.indices.contains(number - 1), let id = samples[number - 1]["id"]?.stringValue else {
            throw NoSuchSample(number: number, count: samples.count)
        }
        return id
    }

    /// `sampleID(_:)` was asked for a number the samples do not have.
    public struct NoSuchSample: Error, CustomStringConvertible {
        public var number: Int
        public var count: Int
        public var description: String { "there is no sample referral \(number): the samples are 1 to \(count)" }
    }

    /// Starts a sandbox (port 0: the system picks a free one), runs `body`, stops it.
    public static func with<T>(
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
    public struct Reply: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: [UInt8]
        public var json: JSONValue? { try? JSONParser.parse(body) }
        /// The documented error object's `code` and `message` (for the
        /// token endpoint: OAuth's `error` string).
        public var code: String? { json?["error"]?["code"]?.stringValue ?? json?["error"]?.stringValue }
        public var message: String? { json?["error"]?["message"]?.stringValue }
    }

    public var baseURL: String { sandbox.baseURL }
    public var adminToken: String { sandbox.tokens[.referralAdmin]! }

    public func send(
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

    public func get(_ id: String, token: String? = nil) async throws -> Reply {
        try await send(.GET, "/v1.0/engagements/referrals/\(id)", token: token ?? adminToken)
    }

    public func patch(
        _ id: String, _ body: String, token: String? = nil, headers: [(String, String)] = []
    ) async throws -> Reply {
        try await send(.PATCH, "/v1.0/engagements/referrals/\(id)", token: token ?? adminToken, headers: headers, body: body)
    }

    /// The referral as the server holds it now (read past the HTTP layer).
    public func referral(_ id: String) -> JSONValue? {
        sandbox.referrals().first { $0["id"]?.stringValue == id }
    }

    /// Every change the server applied, oldest first.
    public func changeLog() -> [ChangeRecord] { sandbox.changeLog() }
}
