import ArgumentParser
import Foundation
import ReferralModel
import ReferralReport
import ReferralRun
import ReferralSend

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in once (device code, MFA included) and keep the tokens in the profile's 0600 token cache.",
        discussion: """
            Opens no browser: it prints a URL and a code; finish the sign-in there (on any device). \
            Afterwards apply and export refresh the tokens unattended, keeping every rotated refresh token. \
            With --sandbox the embedded sandbox plays the identity platform and approves the sign-in itself; \
            its tokens stay in the state dir, where apply --sandbox finds and refreshes them. \
            Exit 0: signed in; 2: bad options; 3: not signed in (declined, expired, interrupted; with --status: no valid cache). Example:
              referral-bulk login --tenant contoso.onmicrosoft.com --client-id 11111111-2222-3333-4444-555555555555
              referral-bulk login --status
              referral-bulk login --sandbox && referral-bulk apply samples/updates.csv --sandbox
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
    @OptionGroup var rehearsal: SandboxSignInOptions

    func validate() throws {
        if rehearsal.sandbox, tenant != nil || clientId != nil || clientSecretEnv != nil {
            throw ValidationError("--sandbox signs in to the embedded sandbox: --tenant, --client-id and --client-secret-env are for the identity platform.")
        }
        do { _ = try EndpointPolicy.validate(authority, name: "--authority") } catch { throw ValidationError(error.description) }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = try rehearsal.configuration(profile)
        configuration.tenant = tenant
        configuration.clientID = clientId
        configuration.authority = authority
        configuration.scopes = scope.split(separator: " ").map(String.init)
        configuration.clientSecret = clientSecretEnv.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : Secret($0) }
        let signIn = SignInRun(configuration: configuration)
        if status {
            let report: (lines: [String], signedIn: Bool)
            do { report = try signIn.status() } catch { throw CommandFailure(sentence: error.description, status: .aborted) }
            FileOutput.standardOutput.write(report.lines.joined(separator: "\n") + "\n")
            FileOutput.standardOutput.flush()
            throw ExitCode(report.signedIn ? ExitStatus.success.rawValue : ExitStatus.aborted.rawValue)
        }
        let outcome = Task { () async -> Result<SignInRun.SignedIn, SignInRun.Failure> in
            do throws(SignInRun.Failure) {
                return .success(
                    try await signIn.run { message in
                        FileOutput.standardError.write(message + "\n")
                        FileOutput.standardError.flush()
                    })
            } catch {
                return .failure(error)
            }
        }
        let watcher = await SignalWatcher(stop: StopSignal(), gracePeriod: .zero, onFirst: { _ in outcome.cancel() }, cancel: { outcome.cancel() })
        let result = await outcome.value
        watcher.cancel()
        switch result {
        case .success(let signedIn): FileOutput.standardError.write("\(signedIn)\n")
        case .failure(let failure): throw CommandFailure(sentence: failure.description, status: failure.exitStatus)
        }
    }
}
