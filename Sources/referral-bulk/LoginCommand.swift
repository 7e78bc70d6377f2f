import ArgumentParser
import Foundation
import ReferralModel
import ReferralReport
import ReferralSandbox
import ReferralSend

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in once (device code, MFA included) and keep the tokens in the profile's 0600 token cache.",
        discussion: """
            Opens no browser: it prints a URL and a code; finish the sign-in there (on any device). \
            Afterwards apply and export refresh the tokens unattended, keeping every rotated refresh token. \
            Exit 0: signed in; 2: bad options; 3: not signed in (declined, expired, interrupted; with --status: no valid cache). Example:
              referral-bulk login --tenant contoso.onmicrosoft.com --client-id 11111111-2222-3333-4444-555555555555
              referral-bulk login --status
            """
    )

    @OptionGroup var profile: ProfileOptions
    @Option(help: "Directory (tenant) ID or domain; default: the profile's.") var tenant: String?
    @Option(help: "Application (client) ID of the partner's app registration; default: the profile's.") var clientId: String?
    @Option(help: "The identity platform.") var authority = DeviceCodeSignIn.defaultAuthority
    @Option(help: "Scopes, space-separated (openid profile are added to learn who signed in).")
    var scope = TokenSource.defaultScopes.joined(separator: " ")
    @Option(help: "Environment variable holding the secret of a confidential client (most app registrations need none).")
    var clientSecretEnv: String?
    @Flag(help: "Say who is signed in and how old the refresh token is; exit 0 signed in, 3 not.") var status = false
    @Flag(help: "Rehearse against an embedded sandbox that approves the sign-in itself (profile 'sandbox' unless --profile).")
    var sandbox = false

    func validate() throws {
        if status, sandbox { throw ValidationError("--status reads the cache; it cannot be combined with --sandbox.") }
        do { _ = try EndpointPolicy.validate(authority, name: "--authority") } catch { throw ValidationError(error.description) }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let location = TokenSource.CacheLocation(profile: profile.profile ?? (sandbox ? "sandbox" : nil), path: profile.tokenCache)
        let file = location.file(environment: environment)
        let existing: TokenCache?
        do { existing = try file.read() } catch { fail(error.description, status: status ? .aborted : .unusable) }
        if status {
            let report = SignInStatus(profile: file.profile, path: file.path, cache: existing, now: Int64(Date().timeIntervalSince1970))
            FileOutput.standardOutput.write(report.lines.joined(separator: "\n") + "\n")
            FileOutput.standardOutput.flush()
            throw ExitCode(report.signedIn ? ExitStatus.success.rawValue : ExitStatus.aborted.rawValue)
        }
        var embedded: RunningSandbox?
        var authority = self.authority, tenant = tenant ?? existing?.tenant, clientID = clientId ?? existing?.clientID
        if sandbox {
            var configuration = SandboxConfiguration()
            configuration.autoApprove = true
            do { embedded = try await SandboxServer.start(configuration, referrals: []) } catch { failUnusable("\(error)") }
            authority = embedded!.baseURL
            tenant = tenant ?? "sandbox"
            clientID = clientID ?? embedded!.clientID
        }
        guard let tenant else { failUnusable("give --tenant: the directory (tenant) ID or domain to sign in to.") }
        guard let clientID else { failUnusable("give --client-id: the application (client) ID of the partner's app registration.") }
        let secret = clientSecretEnv.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : Secret($0) }
        let client = ReferralAPIClient(concurrency: 1)
        let signIn = DeviceCodeSignIn(
            authority: authority, tenant: tenant, clientID: clientID, clientSecret: secret,
            scopes: scope.split(separator: " ").map(String.init), client: client)
        let outcome = Task { () async throws(DeviceCodeSignIn.Failure) -> TokenCache in
            let authorization = try await signIn.start()
            FileOutput.standardError.write(authorization.message + "\n")
            FileOutput.standardError.flush()
            return try await signIn.finish(authorization, into: file)
        }
        let watcher = await SignalWatcher(stop: StopSignal(), gracePeriod: .zero, onFirst: { _ in outcome.cancel() }, cancel: { outcome.cancel() })
        let result = await outcome.result
        watcher.cancel()
        try? await client.shutdown()
        await embedded?.stop()
        switch result {
        case .success(let cache):
            FileOutput.standardError.write("signed in as \(cache.account ?? "an unnamed account") to \(tenant); tokens kept in \(file.path)\n")
            if sandbox { FileOutput.standardError.write("(the embedded sandbox is gone: this cache shows the flow; rehearse nights against `referral-bulk sandbox --auto-approve`)\n") }
        case .failure(let failure):
            fail("\(failure)", status: .aborted)
        }
    }
}
