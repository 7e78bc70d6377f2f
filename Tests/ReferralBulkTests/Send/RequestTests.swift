import Foundation
import Testing

@testable import ReferralModel
@testable import ReferralSend

@Suite struct RequestTests {
    @Test func idsArePercentEncodedIntoOneSegment() {
        let url = ReferralRequest.url(endpoint: "https://api.example", referralID: "a/../b c?d#e%f")
        #expect(url == "https://api.example/v1.0/engagements/referrals/a%2F..%2Fb%20c%3Fd%23e%25f")
    }

    @Test func patchCarriesTheContractHeaders() {
        let request = ReferralRequest.patch(
            endpoint: "https://api.example", referralID: "r1",
            operations: [PatchOperation(.replace, JSONPointer(tokens: ["name"]), "x")], ifMatch: "abc", requestID: "req-1",
            returnRepresentation: true)
        let headers = Dictionary(request.headers, uniquingKeysWith: { first, _ in first })
        // The Partner API's own header, and the other Partner Center API's with the same value.
        #expect(headers["client-request-id"] == "req-1")
        #expect(headers["MS-RequestId"] == "req-1")
        #expect(request.requestID == "req-1")
        #expect(headers["If-Match"] == "\"abc\"")
        #expect(headers["Prefer"] == "return=representation")
        #expect(headers["Content-Type"] == "application/json")
        #expect(headers["Accept"] == "application/json")
        #expect(headers["MS-PartnerCenter-Application"] == "referral-bulk")
        #expect(headers["Authorization"] == nil)  // added by the client, never kept in a value that could be logged
        #expect(String(decoding: request.body, as: UTF8.self) == #"[{"op":"replace","path":"/name","value":"x"}]"#)
    }

    @Test func plainHTTPOnlyToThisMachine() throws {
        #expect(try EndpointPolicy.validate("https://api.partner.microsoft.com/") == "https://api.partner.microsoft.com")
        #expect(try EndpointPolicy.validate("http://127.0.0.1:8080") == "http://127.0.0.1:8080")
        #expect(try EndpointPolicy.validate("http://localhost:1") == "http://localhost:1")
        #expect(try EndpointPolicy.validate("http://[::1]:1") == "http://[::1]:1")
        let refusals: [(String, EndpointPolicy.Refusal)] = [
            ("http://example.com", .plainHTTP(option: "--endpoint", host: "example.com")),
            ("http://10.0.0.1", .plainHTTP(option: "--endpoint", host: "10.0.0.1")),
            ("http://127.0.0.1.example.com", .plainHTTP(option: "--endpoint", host: "127.0.0.1.example.com")),
            ("ftp://x", .unsupportedScheme(option: "--endpoint", scheme: "ftp")), ("nonsense", .notAURL(option: "--endpoint", text: "nonsense")),
        ]
        for (refused, refusal) in refusals {
            #expect(throws: refusal, "\(refused)") { try EndpointPolicy.validate(refused) }
        }
        #expect(throws: EndpointPolicy.Refusal.plainHTTP(option: "--token-url", host: "login.example")) {
            try EndpointPolicy.validate("http://login.example/token", name: "--token-url")
        }
    }

    @Test func secretsAreRedactedWhereverTheyArePrinted() {
        let secret = Secret("eyJ-very-secret")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect(!"\([secret])".contains("eyJ"))
        #expect(!String(describing: Optional(secret)).contains("eyJ"))
    }
}

@Suite struct TokenProviderTests {
    @Test func fileTokensAreReReadWhenTheFileChanges() async throws {
        let path = try Fixtures.temporaryFile("first-token\n", name: "token")
        let provider = FileTokenProvider(path: path)
        #expect(try await provider.token() == Secret("first-token"))
        await #expect(throws: TokenError.self) { try await provider.tokenRejected(Secret("first-token")) }
        try "second-token-longer".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try await provider.tokenRejected(Secret("first-token")) == Secret("second-token-longer"))
    }

    @Test func commandTokensAcceptBareOrJSONOutputAndHideFailures() async throws {
        #expect(try await CommandTokenProvider(command: "echo bare-token").token() == Secret("bare-token"))
        let json = CommandTokenProvider(command: #"echo '{"access_token":"from-json","expires_in":3600}'"#)
        #expect(try await json.token() == Secret("from-json"))
        do {
            _ = try await CommandTokenProvider(command: "echo leaked-secret; exit 3").token()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "the token command exited with status 3")
        }
    }

    @Test func environmentTokensCannotBeRefreshed() async throws {
        let provider = EnvironmentTokenProvider(name: "PC_TOKEN", environment: ["PC_TOKEN": " t0k3n \n"])
        #expect(try await provider.token() == Secret("t0k3n"))
        await #expect(throws: TokenError.self) { try await provider.tokenRejected(Secret("t0k3n")) }
        await #expect(throws: TokenError.self) { try await EnvironmentTokenProvider(name: "NONE", environment: [:]).token() }
    }
}
