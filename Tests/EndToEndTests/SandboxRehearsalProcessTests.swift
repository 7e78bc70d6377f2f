import Foundation
import Glibc
import ReferralModel
import ReferralSandbox
import ReferralSandboxTesting
import Testing

@testable import ReferralSend

/// `login --sandbox`, then `apply --sandbox` on later "nights", through the
/// real executable: each command starts an embedded sandbox of its own, on a
/// new port, and the sign-in carries over through the state dir. A night is
/// made by expiring the cached access token (a process cannot share a
/// simulated clock), so each run must refresh, and so rotate, the refresh token.
@Suite struct SandboxRehearsalProcessTests {
    struct Folder {
        let root: URL
        var state: String { root.appendingPathComponent("state").path }
        var cache: String { "\(state)/sandbox-tokens/sandbox.json" }
        var identity: String { "\(state)/sandbox-identity.json" }
        var config: String { root.appendingPathComponent("config").path }
        /// The real sign-ins' folder is never touched; PARTNER_CENTER_TOKEN is empty so only the cache can sign in.
        var environment: [String: String] { ["XDG_CONFIG_HOME": config, "PARTNER_CENTER_TOKEN": ""] }

        func cached() throws -> JSONValue { try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: cache))) }

        func expireAccessToken() throws { _ = try SignInProcessTests.expireAccessToken(in: cache) }

        func apply(night: Int) async throws -> (status: Int32, output: String) {
            let input = root.appendingPathComponent("night-\(night).csv")
            try Data("Referral ID,Notes\n\(try TestSandbox.sampleID(1)),night \(night)\n".utf8).write(to: input)
            return try await ChildProcess.run(
                ["apply", input.path, "--sandbox", "--state-dir", state, "--report-dir", root.appendingPathComponent("r\(night)").path, "--yes"],
                environment: environment)
        }
    }

    static func withFolder<T>(_ body: (Folder) async throws -> T) async throws -> T {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("referral-bulk-rehearsal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        return try await body(Folder(root: root))
    }

    @Test func loginThenThreeNightsOfApplyEachRotatingTheRefreshToken() async throws {
        try await Self.withFolder { folder in
            let login = try await ChildProcess.run(["login", "--sandbox", "--state-dir", folder.state], environment: folder.environment)
            #expect(login.status == 0, "\(login.output)")
            #expect(login.output.contains("To sign in, use a web browser to open the page http://127.0.0.1:"), "\(login.output)")
            #expect(login.output.contains("signed in as \(SandboxRole.referralAdmin.email) to sandbox; tokens kept in \(folder.cache)"), "\(login.output)")
            var status = stat()
            #expect(stat(folder.cache, &status) == 0 && status.st_mode & 0o777 == 0o600)
            #expect(stat(folder.identity, &status) == 0 && status.st_mode & 0o777 == 0o600)
            #expect(!FileManager.default.fileExists(atPath: folder.config), "a rehearsal writes nothing to the real sign-ins' folder")
            let signedIn = try await ChildProcess.run(["login", "--status", "--sandbox", "--state-dir", folder.state], environment: folder.environment)
            #expect(signedIn.status == 0, "\(signedIn.output)")
            #expect(signedIn.output.contains("account:        \(SandboxRole.referralAdmin.email)"))

            var refreshTokens = [try #require(folder.cached()["refresh_token"]?.stringValue)]
            for night in 1...3 {
                try folder.expireAccessToken()
                let run = try await folder.apply(night: night)
                #expect(run.status == 0, "night \(night): \(run.output)")
                #expect(run.output.contains("(signed in as \(SandboxRole.referralAdmin.email) with login --sandbox; tokens in \(folder.cache))"), "\(run.output)")
                #expect(run.output.contains("updated 1"), "night \(night): \(run.output)")
                #expect(!run.output.contains("sbx-rt-") && !run.output.contains("sbx-at-"), "no token is printed")
                let rotated = try #require(folder.cached()["refresh_token"]?.stringValue)
                #expect(!refreshTokens.contains(rotated), "night \(night) kept a new refresh token")
                refreshTokens.append(rotated)
            }
        }
    }

    @Test func aLapsedSandboxSignInSaysToSignInAgainWithSandbox() async throws {
        try await Self.withFolder { folder in
            let login = try await ChildProcess.run(["login", "--sandbox", "--state-dir", folder.state], environment: folder.environment)
            #expect(login.status == 0, "\(login.output)")
            // 91 days pass: the sandbox's record of the refresh token, moved back (milliseconds since 1970).
            var identity = try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: folder.identity)))
            guard case .object(var members) = identity, case .object(var refresh)? = members["refresh"] else {
                Issue.record("no refresh tokens in \(identity)")
                return
            }
            let longAgo = JSONValue.number(Decimal((Int64(Date().timeIntervalSince1970) - 91 * 86_400) * 1000))
            for (token, grant) in refresh {
                guard case .object(var fields) = grant else { continue }
                fields["issued"] = longAgo
                refresh[token] = .object(fields)
            }
            members["refresh"] = .object(refresh)
            identity = .object(members)
            try Data(JSONWriter.bytes(identity)).write(to: URL(fileURLWithPath: folder.identity))
            try folder.expireAccessToken()

            let run = try await folder.apply(night: 1)
            #expect(run.status == 3, "\(run.output)")
            #expect(
                run.output.contains("(invalid_grant, AADSTS700082): sign in again: referral-bulk login --sandbox --state-dir \(folder.state)"),
                "\(run.output)")
        }
    }

    @Test func applyWithSandboxAndNoSandboxSignInUsesTheReadyMadeToken() async throws {
        try await Self.withFolder { folder in
            let run = try await folder.apply(night: 1)
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("(Referral Admin)"), "\(run.output)")
            #expect(!FileManager.default.fileExists(atPath: folder.cache))
        }
    }
}
