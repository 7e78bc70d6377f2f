import ArgumentParser
import Foundation
import Glibc
import Logging
import ReferralBulk
import ReferralSandbox

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Send the updates and write a report.",
        discussion: """
            Exit 0: every row applied or already as asked; 1: some rows not applied (see the report); \
            2: the command could not run; 3: aborted, and a re-run resumes. Example:
              export PARTNER_CENTER_TOKEN=...   # never put a token on the command line
              referral-bulk apply corrections.csv --concurrency 16
            """
    )

    @OptionGroup var input: InputOptions

    @Option(help: "Documents in flight at once.") var concurrency = 8
    @Option(help: "Optional cap on requests per second; without it the pace follows the API's limit, found as it goes.")
    var maxRps: Double?
    @Option(
        help: "Longest Retry-After to wait for, e.g. 120s; a call asked to wait longer fails.",
        transform: parseDuration(within: .zero ... .seconds(86_400)))
    var maxRetryAfter: Duration = .seconds(120)
    @Option(help: "The API's base URL.") var endpoint = "https://api.partner.microsoft.com"
    @Option(help: "Environment variable holding the bearer token.") var tokenEnv = "PARTNER_CENTER_TOKEN"
    @Option(help: "File holding the bearer token (re-read when it changes).") var tokenFile: String?
    @Option(help: "Command printing a token, or {\"access_token\",\"expires_in\"} JSON.") var tokenCommand: String?
    @Option(help: "OAuth2 token endpoint (client credentials or refresh token grant).") var tokenUrl: String?
    @Option(help: "OAuth2 client id, with --token-url.") var clientId: String?
    @Option(help: "Environment variable holding the OAuth2 client secret.") var clientSecretEnv = "PARTNER_CENTER_CLIENT_SECRET"
    @Option(help: "Environment variable holding an OAuth2 refresh token.") var refreshTokenEnv = "PARTNER_CENTER_REFRESH_TOKEN"
    @Flag(help: "Skip the read before each write (no If-Match, no transition check, no undo values).") var noPreflight = false
    @Option(help: "Re-reads after a 412 before reporting a conflict.") var conflictRetries = 1
    @Option(help: "Attempts per call, the first included.") var maxAttempts = 6
    @Flag(help: "Ask for the updated referral in each answer (Prefer: return=representation).") var returnRepresentation = false
    @Option(help: "Report folder (default: referral-bulk-<UTC timestamp>); never an existing one.") var reportDir: String?
    @Option(help: "Time limit of one request attempt, answer body included, e.g. 30s (100ms to 1h).", transform: parseDuration(within: .milliseconds(100) ... .seconds(3600)))
    var timeout: Duration = .seconds(30)
    @Option(help: "After SIGINT/SIGTERM, how long in-flight requests may finish (0s to 1h).", transform: parseDuration(within: .zero ... .seconds(3600)))
    var gracePeriod: Duration = .seconds(30)
    @Option(help: "Folder of the journals that let a re-run resume, and of --sandbox's referrals (default .referral-bulk).")
    var stateDir = ".referral-bulk"
    @Flag(help: "Ignore what earlier runs of this file recorded: send everything again.") var fresh = false
    @Flag(help: "All or nothing: check the whole file first and send nothing if any row has a problem (exit 1).") var strict = false
    @Flag(help: "Do not ask before sending (on a terminal, apply shows what the file asks and asks first; cron is never asked).") var yes = false
    @Option(help: "Take only the referrals whose ID hashes to K of N, e.g. 0/4 (JOB_COMPLETION_INDEX/N).") var shard: String?
    @Flag(help: "Run against an embedded sandbox on a free loopback port instead of the API.") var sandbox = false
    @Option(help: "Seed referrals for --sandbox (default: the built-in samples, the same as samples/referrals.json).") var sandboxSeed: String?
    @Flag(help: "Start --sandbox's referrals over from the seed (they persist in the state dir between runs).") var sandboxReset = false
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "warning"

    func validate() throws {
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 1024.") }
        if let maxRps, maxRps <= 0 { throw ValidationError("--max-rps must be positive.") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1.") }
        guard conflictRetries >= 0 else { throw ValidationError("--conflict-retries must not be negative.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level '\(logLevel)' is not a level.") }
        if let shard { do { _ = try ShardSelector(parsing: shard) } catch { throw ValidationError(error.description) } }
        if [tokenFile != nil, tokenCommand != nil, tokenUrl != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give one of --token-file, --token-command and --token-url.")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .warning
        var logger = Logger(label: "referral-bulk") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level

        var embedded: RunningSandbox?
        var endpoint = self.endpoint
        if sandbox {
            do {
                var sandboxConfiguration = SandboxConfiguration()
                sandboxConfiguration.statePath = try SandboxState.path(stateDirectory: stateDir)
                sandboxConfiguration.resetState = sandboxReset
                let seed = try sandboxSeed.map(SeedReferrals.load(path:)) ?? SeedReferrals.samples
                embedded = try await SandboxServer.start(sandboxConfiguration, referrals: seed)
            } catch {
                failUnusable("\(error)")
            }
            endpoint = embedded!.baseURL
            FileOutput.standardError.write("sandbox: \(endpoint) (Referral Admin)\n")
        }
        do {
            endpoint = try EndpointPolicy.validate(endpoint)
            if let tokenUrl { _ = try EndpointPolicy.validate(tokenUrl, name: "--token-url") }
        } catch {
            failUnusable(error.description)
        }

        var configuration = ApplyRun.Configuration(input: input.file, endpoint: endpoint)
        configuration.reading = input.reading
        configuration.strict = strict
        configuration.concurrency = concurrency
        configuration.maxRequestsPerSecond = maxRps
        configuration.sender.preflight = !noPreflight
        configuration.sender.conflictRetries = conflictRetries
        configuration.sender.retry = RetryPolicy(maxAttempts: maxAttempts, maxRetryAfter: maxRetryAfter)
        configuration.sender.returnRepresentation = returnRepresentation
        configuration.requestTimeout = timeout
        configuration.reportDirectory = reportDir
        configuration.stateDirectory = stateDir
        // A reset sandbox has none of the changes the journals remember.
        configuration.fresh = fresh || sandboxReset
        configuration.shard = shard.flatMap { try? ShardSelector(parsing: $0) }

        let client = ReferralAPIClient(concurrency: concurrency, timeout: timeout)
        let tokens: any TokenProvider =
            if let embedded { StaticTokenProvider(Secret(embedded.tokens[.referralAdmin]!)) } else { tokenProvider(client: client) }
        // Before the report folder and the journal exist: a missing or malformed token is exit 2, and leaves nothing behind.
        do {
            try await tokens.checkBeforeStart()
        } catch {
            try? await client.shutdown()
            await embedded?.stop()
            failUnusable(error.description)
        }

        let stop = StopSignal()
        let asksFirst = !yes && isatty(STDIN_FILENO) == 1 && FileOutput.standardError.isTerminal
        let target = sandbox ? "the sandbox" : endpoint
        // The progress display waits for the answer: it would draw over the question.
        let (answered, answer) = AsyncStream.makeStream(of: Void.self)
        if !asksFirst { answer.finish() }
        let confirm: (@Sendable (ChangeOverview) async -> Bool)? =
            asksFirst
            ? { @Sendable overview in
                let send = Confirmation.ask(overview, target: target)
                if send { answer.finish() }
                return send
            } : nil
        let apply = ApplyRun(
            configuration: configuration, stop: stop, logger: logger,
            notify: { notice in FileOutput.standardError.write("\(notice)\n") },
            confirm: confirm)
        let runTask = Task { try await apply.run(tokens: tokens, transport: client) }
        let watcher = SignalWatcher(
            stop: stop, gracePeriod: gracePeriod,
            onFirst: { _ in
                FileOutput.standardError.write("\nstopping: finishing requests in flight (again to stop at once)\n")
            },
            cancel: { runTask.cancel() })
        let display = ProgressDisplay(progress: apply.progress)
        let drawing = Task {
            for await _ in answered {}
            await display.run()
        }

        let result: ApplyRun.Result
        do {
            result = try await runTask.value
        } catch let refusal as ApplyRun.StrictRefusal {
            drawing.cancel()
            await drawing.value
            try? await client.shutdown()
            await embedded?.stop()
            let overview = refusal.overview
            for problem in overview.problems { FileOutput.standardError.write("\(problem)\n") }
            let listed = overview.invalidDocuments > overview.problems.count ? " (the first \(overview.problems.count) problems listed)" : ""
            FileOutput.standardError.write(
                "\(overview.documents) document(s), \(overview.invalidDocuments) with problems\(listed): nothing was sent (--strict).\n")
            throw ExitCode(ExitStatus.someRowsNotApplied.rawValue)
        } catch is ApplyRun.Declined {
            drawing.cancel()
            await drawing.value
            try? await client.shutdown()
            await embedded?.stop()
            FileOutput.standardError.write("nothing was sent.\n")
            throw ExitCode(ExitStatus.someRowsNotApplied.rawValue)
        } catch {
            drawing.cancel()
            await drawing.value
            try? await client.shutdown()
            await embedded?.stop()
            failUnusable("\(error)")
        }
        watcher.cancel()
        drawing.cancel()
        await drawing.value
        try? await client.shutdown()
        await embedded?.stop()

        var closing = "\(result.summary.oneLine)\nreport: \(result.reportFolder)/\n"
        if let reason = result.summary.abortReason { closing += "aborted (\(reason)); run the same command again to resume\n" }
        FileOutput.standardOutput.write(closing)
        FileOutput.standardOutput.flush()
        throw ExitCode(result.exitStatus.rawValue)
    }

    private func tokenProvider(client: ReferralAPIClient) -> any TokenProvider {
        if let tokenFile { return FileTokenProvider(path: tokenFile) }
        if let tokenCommand { return CommandTokenProvider(command: tokenCommand) }
        if let tokenUrl {
            let environment = ProcessInfo.processInfo.environment
            return OAuthTokenProvider(
                url: tokenUrl,
                credentials: .init(
                    clientID: clientId, clientSecret: environment[clientSecretEnv].map(Secret.init),
                    refreshToken: environment[refreshTokenEnv].map(Secret.init)),
                client: client)
        }
        return EnvironmentTokenProvider(name: tokenEnv)
    }
}

/// Draws progress on standard error: a live bar on a terminal, a log line
/// every five seconds otherwise (cron), until cancelled.
struct ProgressDisplay {
    let progress: RunProgress

    func run() async {
        let terminal = FileOutput.standardError.isTerminal
        let interval: Duration = terminal ? .milliseconds(200) : .seconds(5)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard !Task.isCancelled else { break }
            draw(terminal: terminal)
        }
        if terminal {
            draw(terminal: true)
            FileOutput.standardError.write("\n")
        }
    }

    private func draw(terminal: Bool) {
        let snapshot = progress.snapshot
        if terminal {
            FileOutput.standardError.write("\r" + ProgressLine.bar(snapshot, now: .now) + "\u{1B}[K")
        } else {
            FileOutput.standardError.write(ProgressLine.log(snapshot, now: .now) + "\n")
        }
    }
}
