import Foundation
import Glibc
import ReferralSandbox
import ReferralSandboxTesting
import Testing

@testable import ReferralSend

/// `login`, the token cache and the nights after it, against the sandbox's identity platform.
@Suite struct SignInTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("referral-bulk-signin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A sandbox on a free port playing the identity platform on `days`' clock.
    static func withSandbox<T>(
        days: SimulatedDays, _ configure: (inout SandboxConfiguration) -> Void = { _ in },
        _ body: (TestSandbox, ReferralAPIClient, URL) async throws -> T
    ) async throws -> T {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await TestSandbox.with({
            $0.autoApprove = true
            $0.now = { days.instant }
            configure(&$0)
        }) { server in
            let client = ReferralAPIClient(concurrency: 8)
            do {
                let result = try await body(server, client, folder)
                try await client.shutdown()
                return result
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    static func signIn(_ server: TestSandbox, _ client: ReferralAPIClient) -> DeviceCodeSignIn {
        var signIn = DeviceCodeSignIn(
            authority: server.baseURL, tenant: "contoso", clientID: server.sandbox.clientID, clientSecret: nil,
            scopes: TokenSource.defaultScopes, client: client)
        signIn.sleep = { _ in }  // the sandbox answers at once; its slow_down is tested on its own
        return signIn
    }

    static func cacheFile(_ folder: URL, _ name: String = "default") -> TokenCacheFile {
        TokenCacheFile(path: folder.appendingPathComponent("config/referral-bulk/\(name).json").path, profile: name)
    }

    @Test func loginThenThreeNightsEachRotatingTheRefreshToken() async throws {
        let days = SimulatedDays()
        try await Self.withSandbox(days: days) { server, client, folder in
            let file = Self.cacheFile(folder)
            let signIn = Self.signIn(server, client)
            let authorization = try await signIn.start()
            #expect(authorization.message.contains(authorization.userCode))
            let first = try await signIn.finish(authorization, into: file, now: days.seconds)
            #expect(first.account == SandboxRole.referralAdmin.email)
            #expect(first.tenant == "contoso")
            #expect(first.tokenURL == server.baseURL + "/contoso/oauth2/v2.0/token")
            // Folder 0700, file 0600.
            #expect(try FileManager.default.attributesOfItem(atPath: file.folder)[.posixPermissions] as? Int == 0o700)
            #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)

            var spent = [first.refreshToken]
            for night in 1...3 {
                days.advance(.seconds(86_400))
                // Each night is a new process: a new provider over the same file.
                let provider = CachedTokenProvider(file: file, client: client, now: { days.seconds })
                let before = days.seconds
                let token = try await provider.token()
                let after = days.seconds
                #expect(try await server.get(TestSandbox.sampleID(1), token: token.revealed).status == 200, "night \(night)")
                let cache = try #require(try file.read())
                #expect(!spent.contains(cache.refreshToken), "night \(night) kept a rotated refresh token")
                #expect((before...after).contains(cache.refreshIssued))
                spent.append(cache.refreshToken)
            }
            // Single-use: the first night's refresh token is spent.
            let endpoint = TokenEndpoint(
                url: first.tokenURL, clientID: first.clientID, clientSecret: nil, scope: first.scopes.joined(separator: " "), client: client)
            guard case .refused(let refusal) = try await endpoint.refresh(spent[1]) else {
                Issue.record("a spent refresh token was accepted")
                return
            }
            #expect(refusal.error == "invalid_grant")
        }
    }

    @Test func fourConcurrentRefreshesFromOneCacheMakeOneRotationAndAllSucceed() async throws {
        let days = SimulatedDays()
        try await Self.withSandbox(days: days) { server, client, folder in
            let file = Self.cacheFile(folder)
            let signIn = Self.signIn(server, client)
            _ = try await signIn.finish(try await signIn.start(), into: file, now: days.seconds)
            days.advance(.seconds(7200))  // the access token on file has expired
            let issuedBefore = server.sandbox.tokensIssued()
            // Four shards of one job: four providers (as four processes would have) over one cache file.
            let tokens = try await withThrowingTaskGroup(of: Secret.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await CachedTokenProvider(file: file, client: client, now: { days.seconds }).token() }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(tokens.count == 4)
            #expect(Set(tokens.map(\.revealed)).count == 1)
            #expect(server.sandbox.tokensIssued() == issuedBefore + 1)
            for token in Set(tokens.map(\.revealed)) { #expect(try await server.get(TestSandbox.sampleID(1), token: token).status == 200) }
            // And the refresh token on file is the one rotation's: the next night refreshes with it.
            days.advance(.seconds(86_400))
            _ = try await CachedTokenProvider(file: file, client: client, now: { days.seconds }).token()
        }
    }

    @Test func aProcessKilledMidRefreshLeavesACacheThatStillWorks() async throws {
        let days = SimulatedDays()
        try await Self.withSandbox(days: days) { server, client, folder in
            let file = Self.cacheFile(folder)
            let signIn = Self.signIn(server, client)
            _ = try await signIn.finish(try await signIn.start(), into: file, now: days.seconds)
            let before = try Data(contentsOf: URL(fileURLWithPath: file.path))
            // A process holding the refresh lock, with half a new cache written, dies by SIGKILL.
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/bin/sh")
            holder.arguments = ["-c", "exec 9>>\"$0\"; flock 9; printf '{\"token_url\":' > \"$1\"; exec sleep 60", file.lockPath, file.path + ".4242.1.tmp"]
            try holder.run()
            #expect(try await ChildProcess.wait { FileManager.default.fileExists(atPath: file.path + ".4242.1.tmp") })
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
            #expect(try Data(contentsOf: URL(fileURLWithPath: file.path)) == before)
            days.advance(.seconds(86_400))
            let token = try await CachedTokenProvider(file: file, client: client, now: { days.seconds }).token()
            #expect(try await server.get(TestSandbox.sampleID(1), token: token.revealed).status == 200)
        }
    }

    @Test func aLapsedRefreshTokenSaysSignInAgainNamingTheCode() async throws {
        let days = SimulatedDays()
        try await Self.withSandbox(days: days, { $0.refreshTokenLifetime = .seconds(10 * 86_400) }) { server, client, folder in
            let file = Self.cacheFile(folder, "nightly")
            let signIn = Self.signIn(server, client)
            _ = try await signIn.finish(try await signIn.start(), into: file, now: days.seconds)
            days.advance(.seconds(11 * 86_400))
            let provider = CachedTokenProvider(file: file, client: client, now: { days.seconds })
            await #expect(throws: TokenError.signInAgain(login: "referral-bulk login --profile nightly", refusal: "invalid_grant, AADSTS700082")) {
                try await provider.token()
            }
            let status = SignInStatus(file: file, cache: try file.read(), now: days.seconds + 90 * 86_400)
            #expect(!status.signedIn)
        }
    }

    @Test func aRefreshTokenFromTheEnvironmentSeedsTheCacheAndTheSameCronLineWorksNightAfterNight() async throws {
        let days = SimulatedDays()
        try await Self.withSandbox(days: days) { server, client, folder in
            // A refresh token from a sign-in elsewhere, put in the environment.
            let elsewhere = Self.signIn(server, client)
            let seed = try await elsewhere.finish(try await elsewhere.start(), into: Self.cacheFile(folder, "elsewhere"), now: days.seconds)
            let tokenURL = server.baseURL + "/contoso/oauth2/v2.0/token"
            let environment = [
                "PARTNER_CENTER_REFRESH_TOKEN": seed.refreshToken.revealed, "XDG_CONFIG_HOME": folder.appendingPathComponent("config").path,
            ]
            let source = try TokenSource(tokenURL: tokenURL, clientID: server.sandbox.clientID)
            for night in 1...3 {
                days.advance(.seconds(86_400))
                let provider = try source.provider(client: client, environment: environment, now: { days.seconds })
                let token = try await provider.token()
                #expect(try await server.get(TestSandbox.sampleID(1), token: token.revealed).status == 200, "night \(night)")
            }
            let cache = try #require(try Self.cacheFile(folder).read())
            #expect(cache.seedHash == TokenCacheFile.hash(seed.refreshToken))
            // Another token in the environment starts afresh from it.
            let other = try await elsewhere.finish(try await elsewhere.start(), into: Self.cacheFile(folder, "other"), now: days.seconds)
            var changed = environment
            changed["PARTNER_CENTER_REFRESH_TOKEN"] = other.refreshToken.revealed
            _ = try await source.provider(client: client, environment: changed, now: { days.seconds }).token()
            #expect(try Self.cacheFile(folder).read()?.seedHash == TokenCacheFile.hash(other.refreshToken))
        }
    }

    @Test func aCacheOthersCanReadIsRefused() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = Self.cacheFile(folder)
        try file.write(
            TokenCache(tokenURL: "https://login.example/t", tenant: "t", clientID: "c", scopes: [], account: nil, refreshToken: Secret("rt"), refreshIssued: 0))
        chmod(file.path, 0o644)
        #expect(throws: TokenError.cacheExposed(path: file.path, mode: 0o644)) { try file.read() }
        #expect(!TokenError.cacheExposed(path: file.path, mode: 0o644).description.contains("rt\""))
    }

    @Test func anAppOnlyGrantIsRefusedWithTheAppPlusUserSentence() async throws {
        try await Self.withSandbox(days: SimulatedDays()) { server, client, _ in
            let provider = OAuthTokenProvider(
                url: server.baseURL + "/contoso/oauth2/v2.0/token",
                credentials: .init(clientID: server.sandbox.clientID, clientSecret: Secret(server.sandbox.clientSecret), refreshToken: nil),
                client: client)
            do {
                _ = try await provider.token()
                Issue.record("an app-only token was issued")
            } catch let error as TokenError {
                guard case .appOnlyRefused = error else { throw error }
                #expect(error.description.contains("takes App+User tokens only"))
                #expect(!error.description.contains(server.sandbox.clientSecret))
            }
        }
    }
}
