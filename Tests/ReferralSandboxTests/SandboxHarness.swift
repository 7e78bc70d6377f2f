import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ReferralBulk
import ReferralSandbox

/// Starts a sandbox on a free loopback port for one test, with an HTTP
/// client, and stops both when the test's closure returns.
struct SandboxHarness {
    let sandbox: RunningSandbox
    let client: HTTPClient

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func sampleReferrals() throws -> [JSONValue] {
        try SeedReferrals.load(path: repository.appendingPathComponent("samples/referrals.json").path)
    }

    /// The sample referral with this 1-based number (1–25 New, 26–45 Active, 46–60 Closed).
    static func sampleID(_ number: Int) throws -> String {
        try sampleReferrals()[number - 1]["id"]!.stringValue!
    }

    static func with<T>(
        _ configure: (inout SandboxConfiguration) -> Void = { _ in }, referrals: [JSONValue]? = nil,
        _ body: (SandboxHarness) async throws -> T
    ) async throws -> T {
        var configuration = SandboxConfiguration()
        configure(&configuration)
        let sandbox = try await SandboxServer.start(configuration, referrals: referrals ?? sampleReferrals())
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let result = try await body(SandboxHarness(sandbox: sandbox, client: client))
            try await client.shutdown()
            await sandbox.stop()
            return result
        } catch {
            try? await client.shutdown()
            await sandbox.stop()
            throw error
        }
    }

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var json: JSONValue? { try? JSONParser.parse(body) }
        var code: String? { json?["code"]?.stringValue }
    }

    var adminToken: String { sandbox.tokens[.referralAdmin]! }

    func send(
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

    func get(_ id: String, token: String? = nil) async throws -> Reply {
        try await send(.GET, "/v1.0/engagements/referrals/\(id)", token: token ?? adminToken)
    }

    func patch(
        _ id: String, _ body: String, token: String? = nil, headers: [(String, String)] = []
    ) async throws -> Reply {
        try await send(.PATCH, "/v1.0/engagements/referrals/\(id)", token: token ?? adminToken, headers: headers, body: body)
    }

    func referral(_ id: String) -> JSONValue? {
        sandbox.referrals().first { $0["id"]?.stringValue == id }
    }
}
