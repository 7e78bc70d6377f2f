import Testing
@testable import ReferralSend

/// The token options name one source, or are refused with the reason; the
/// chosen source reads the environment it is handed, not the process's.
@Suite struct TokenSourceTests {
    @Test func noOptionMeansTheDefaultVariableElseTheDefaultProfilesCache() throws {
        #expect(try TokenSource() == .cache(.init(profile: "default"), unlessVariable: "PARTNER_CENTER_TOKEN"))
        #expect(try TokenSource(tokenEnv: "MY_TOKEN") == .environment(variable: "MY_TOKEN"))
        // A profile named is that profile's cache, whatever the environment holds.
        #expect(try TokenSource(profile: "nightly") == .cache(.init(profile: "nightly"), unlessVariable: nil))
        #expect(try TokenSource(tokenCache: "/c.json") == .cache(.init(path: "/c.json"), unlessVariable: nil))
        #expect(throws: TokenSource.Refusal.severalSources(["--token-env", "--profile"])) { try TokenSource(tokenEnv: "T", profile: "p") }
    }

    @Test func eachSourceOptionChoosesItsSource() throws {
        #expect(try TokenSource(tokenFile: "/run/token") == .file(path: "/run/token"))
        #expect(try TokenSource(tokenCommand: "vault read x") == .command("vault read x"))
        #expect(
            try TokenSource(tokenURL: "https://login.example/token", clientID: "app")
                == .oauth(
                    url: "https://login.example/token", clientID: "app", clientSecretVariable: "PARTNER_CENTER_CLIENT_SECRET",
                    refreshTokenVariable: "PARTNER_CENTER_REFRESH_TOKEN", cache: .init()))
        #expect(
            try TokenSource(tokenURL: "https://login.example/token", clientSecretEnv: "S", refreshTokenEnv: "R")
                == .oauth(url: "https://login.example/token", clientID: nil, clientSecretVariable: "S", refreshTokenVariable: "R", cache: .init()))
    }

    @Test func twoSourcesAreRefusedNamingBoth() {
        #expect(throws: TokenSource.Refusal.severalSources(["--token-file", "--token-command"])) {
            try TokenSource(tokenFile: "t", tokenCommand: "c")
        }
        #expect(throws: TokenSource.Refusal.severalSources(["--token-env", "--token-url"])) {
            try TokenSource(tokenEnv: "T", tokenURL: "https://login.example/token")
        }
        let refusal = TokenSource.Refusal.severalSources(["--token-file", "--token-command", "--token-url"])
        #expect(
            refusal.description
                == "give one of --token-env, --token-file, --token-command, --token-url and --profile/--token-cache, not --token-file and --token-command and --token-url.")
    }

    @Test(arguments: [
        ("--client-id", TokenSource.Refusal.needsTokenURL(option: "--client-id")),
        ("--client-secret-env", .needsTokenURL(option: "--client-secret-env")),
        ("--refresh-token-env", .needsTokenURL(option: "--refresh-token-env")),
    ])
    func anOAuthOptionWithoutTokenURLIsRefused(option: String, refusal: TokenSource.Refusal) {
        #expect(throws: refusal) {
            try TokenSource(
                tokenFile: "t", clientID: option == "--client-id" ? "app" : nil,
                clientSecretEnv: option == "--client-secret-env" ? "S" : nil,
                refreshTokenEnv: option == "--refresh-token-env" ? "R" : nil)
        }
        #expect(refusal.description == "\(option) is for --token-url, which is not given.")
    }

    @Test func oauthCredentialsComeFromTheNamedVariablesOfTheGivenEnvironment() throws {
        let source = try TokenSource(tokenURL: "https://login.example/token", clientID: "app", clientSecretEnv: "S", refreshTokenEnv: "R")
        let both = try #require(try source.credentials(environment: ["S": "secret", "R": "refresh"]))
        #expect(both.clientID == "app")
        #expect(both.clientSecret == Secret("secret"))
        #expect(both.refreshToken == Secret("refresh"))
        let clientOnly = try #require(try source.credentials(environment: ["S": "secret", "PARTNER_CENTER_REFRESH_TOKEN": "other"]))
        #expect(clientOnly.refreshToken == nil)
        let refreshOnly = try #require(try TokenSource(tokenURL: "https://x.example/t").credentials(environment: ["PARTNER_CENTER_REFRESH_TOKEN": "r"]))
        #expect(refreshOnly.refreshToken == Secret("r"))
        #expect(refreshOnly.clientID == nil)
        #expect(try TokenSource(tokenFile: "t").credentials(environment: [:]) == nil)
    }

    @Test func oauthWithNothingToGrantIsRefusedBeforeStart() throws {
        let refusal = TokenSource.Refusal.noOAuthCredentials(
            clientSecretVariable: "PARTNER_CENTER_CLIENT_SECRET", refreshTokenVariable: "PARTNER_CENTER_REFRESH_TOKEN")
        // A secret without a client id, or an empty variable, grants nothing.
        for environment in [[:], ["PARTNER_CENTER_CLIENT_SECRET": "secret"], ["PARTNER_CENTER_REFRESH_TOKEN": ""]] {
            #expect(throws: refusal, "\(environment)") {
                try TokenSource(tokenURL: "https://login.example/token").credentials(environment: environment)
            }
        }
        #expect(throws: refusal) {
            try TokenSource(tokenURL: "https://login.example/token", clientID: "app").credentials(environment: ["PARTNER_CENTER_CLIENT_SECRET": ""])
        }
        #expect(refusal.description.contains("PARTNER_CENTER_REFRESH_TOKEN") && refusal.description.contains("--client-id"))
    }

    @Test func theProviderReadsTheEnvironmentItIsGiven() async throws {
        let client = ReferralAPIClient(concurrency: 1)
        do {
            try await checkProviders(client: client)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func checkProviders(client: ReferralAPIClient) async throws {
        let environment = try TokenSource(tokenEnv: "TEST_TOKEN").provider(client: client, environment: ["TEST_TOKEN": "abc"])
        #expect(try await environment.token() == Secret("abc"))
        let unset = try TokenSource(tokenEnv: "TEST_TOKEN").provider(client: client, environment: [:])
        await #expect(throws: TokenError.self) { try await unset.checkBeforeStart() }
        let path = try Fixtures.temporaryFile("from-file\n", name: "token")
        #expect(try await TokenSource(tokenFile: path).provider(client: client, environment: [:]).token() == Secret("from-file"))
        #expect(try await TokenSource(tokenCommand: "echo from-command").provider(client: client, environment: [:]).token() == Secret("from-command"))
        let oauth = try TokenSource(tokenURL: "https://login.example/token").provider(client: client, environment: ["PARTNER_CENTER_REFRESH_TOKEN": "r"])
        // A refresh token rotates: it goes through the profile's cache, never kept in memory only.
        #expect(oauth is CachedTokenProvider)
        let clientOnly = try TokenSource(tokenURL: "https://login.example/token", clientID: "app").provider(
            client: client, environment: ["PARTNER_CENTER_CLIENT_SECRET": "s"])
        #expect(clientOnly is OAuthTokenProvider)
        #expect(throws: TokenSource.Refusal.self) {
            try TokenSource(tokenURL: "https://login.example/token").provider(client: client, environment: [:])
        }
    }
}
