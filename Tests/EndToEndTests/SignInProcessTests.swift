import Foundation
import Glibc
import NIOHTTP1
import ReferralModel
import ReferralSandbox
import ReferralSandboxTesting
import Testing

@testable import ReferralSend

/// `login` and the runs after it as a person or cron meets them: the real
/// executable, its sentences and exit codes.
@Suite struct SignInProcessTests {
    /// The user code in the identity platform's message (`... enter the code ABCD-EFGH ...`).
    static func userCode(in text: String) -> String? {
        guard let range = text.range(of: "enter the code ") else { return nil }
        let code = text[range.upperBound...].prefix { $0.isLetter || $0 == "-" }
        return code.count == 9 ? String(code) : nil
    }

    /// Signs in with `decision` taken in the "browser", through the real `login`; its status and output.
    static func login(_ server: TestSandbox, cache: String, decision: String) async throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("login-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = try ChildProcess.start(
            ["login", "--authority", server.baseURL, "--tenant", "contoso", "--client-id", server.sandbox.clientID, "--token-cache", cache],
            environment: [:], output: output)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        var code: String?
        _ = try await ChildProcess.wait {
            code = userCode(in: (try? String(contentsOf: output, encoding: .utf8)) ?? "")
            return code != nil
        }
        let decided = try await server.send(.POST, "/_sandbox/devicecode", body: "user_code=\(try #require(code))&decision=\(decision)")
        #expect(decided.status == 200)
        #expect(try await ChildProcess.wait { !process.isRunning })
        return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    /// Rewrites a token cache with its access token expired, as the next night finds it (in place: it stays 0600);
    /// returns the refresh token on file.
    static func expireAccessToken(in cache: String) throws -> String? {
        guard case .object(var members) = try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: cache))) else { return nil }
        members["access_expires"] = 0
        try Data(JSONWriter.bytes(.object(members))).write(to: URL(fileURLWithPath: cache))
        return members["refresh_token"]?.stringValue
    }

    static func withFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("referral-bulk-login-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    @Test func aDeclinedSignInExits3SavingNothing() async throws {
        try await Self.withFolder { folder in
            try await TestSandbox.with { server in
                let cache = folder.appendingPathComponent("c/default.json").path
                let declined = try await Self.login(server, cache: cache, decision: "decline")
                #expect(declined.status == 3)
                #expect(declined.output.contains("referral-bulk: the sign-in was declined in the browser; nothing was saved"))
                #expect(!FileManager.default.fileExists(atPath: cache))
                let status = try await ChildProcess.run(["login", "--status", "--token-cache", cache], environment: [:])
                #expect(status.status == 3)
                #expect(status.output.hasPrefix("not signed in"))
            }
        }
    }

    @Test func aTokenWithoutMFAStopsTheRunAtOnceSayingSo() async throws {
        try await Self.withFolder { folder in
            try await TestSandbox.with { server in
                let cache = folder.appendingPathComponent("c/default.json").path
                let login = try await Self.login(server, cache: cache, decision: "approve-without-mfa")
                #expect(login.status == 0, "\(login.output)")
                let status = try await ChildProcess.run(["login", "--status", "--token-cache", cache], environment: [:])
                #expect(status.status == 0)
                #expect(status.output.contains("account:        \(SandboxRole.referralAdmin.email)"))
                let input = folder.appendingPathComponent("in.csv")
                try Data("Referral ID,Notes\n\(try TestSandbox.sampleID(1)),n\n".utf8).write(to: input)
                let run = try await ChildProcess.run(
                    [
                        "apply", input.path, "--endpoint", server.baseURL, "--token-cache", cache, "--yes",
                        "--state-dir", folder.appendingPathComponent("state").path, "--report-dir", folder.appendingPathComponent("r").path,
                    ], environment: ["PARTNER_CENTER_TOKEN": ""])
                #expect(run.status == 3, "\(run.output)")
                #expect(run.output.contains(TokenError.mfaRequired.description), "\(run.output)")
                #expect(server.changeLog().isEmpty)
            }
        }
    }

    @Test func aLapsedRefreshTokenExits3SayingSignInAgain() async throws {
        try await Self.withFolder { folder in
            // Lifetimes of a second: a real process cannot share a simulated clock; 2 s of sleep are a margin, not a bound.
            try await TestSandbox.with({
                $0.tokenTTL = .seconds(1)
                $0.refreshTokenLifetime = .seconds(1)
            }) { server in
                let cache = folder.appendingPathComponent("c/nightly.json").path
                let login = try await Self.login(server, cache: cache, decision: "approve")
                #expect(login.status == 0, "\(login.output)")
                try await Task.sleep(for: .seconds(2))
                let export = try await ChildProcess.run(
                    ["export", "--endpoint", server.baseURL, "--token-cache", cache, "--profile", "nightly", "-o", folder.appendingPathComponent("x.csv").path],
                    environment: ["PARTNER_CENTER_TOKEN": ""])
                #expect(export.status == 3, "\(export.output)")
                #expect(
                    export.output.contains(
                        "the refresh token has expired or was revoked (invalid_grant, AADSTS700082): sign in again: referral-bulk login --profile nightly"),
                    "\(export.output)")
                #expect(!export.output.contains("sbx-rt-"))
            }
        }
    }

    /// Four processes (say four shards) start with the access token expired: one refresh between them, and all four run.
    @Test func fourProcessesRefreshingOneCacheMakeOneRotationAndAllSucceed() async throws {
        try await Self.withFolder { folder in
            try await TestSandbox.with { server in
                let cache = folder.appendingPathComponent("c/default.json").path
                let login = try await Self.login(server, cache: cache, decision: "approve")
                #expect(login.status == 0, "\(login.output)")
                let signedIn = try #require(try Self.expireAccessToken(in: cache))
                let issuedBefore = server.sandbox.tokensIssued()

                let outputs = (0..<4).map { folder.appendingPathComponent("export-\($0).txt") }
                let processes = try outputs.enumerated().map { index, output in
                    try ChildProcess.start(
                        ["export", "--endpoint", server.baseURL, "--token-cache", cache, "-o", folder.appendingPathComponent("x\(index).csv").path],
                        environment: ["PARTNER_CENTER_TOKEN": ""], output: output)
                }
                defer { for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
                #expect(try await ChildProcess.wait { processes.allSatisfy { !$0.isRunning } })
                for (process, output) in zip(processes, outputs) {
                    #expect(process.terminationStatus == 0, "\((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
                }
                #expect(server.sandbox.tokensIssued() == issuedBefore + 1, "one rotation between the four")
                let rotated = try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: cache)))["refresh_token"]?.stringValue
                #expect(rotated != nil && rotated != signedIn)
            }
        }
    }
}
