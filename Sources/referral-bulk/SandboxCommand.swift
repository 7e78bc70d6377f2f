import ArgumentParser
import ReferralModel
import ReferralReport
import ReferralSandbox
import ReferralSend

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the local Partner Center referrals emulator.",
        discussion: """
            Prints the URL it listens on, then a ready-made token per role ("token <Role>: <token>") and the \
            client credentials for POST /oauth2/token. Stops on SIGINT or SIGTERM. Faults are reproducible \
            from --seed.
            """
    )

    @Option(help: "Address to listen on (loopback by default).") var host = "127.0.0.1"
    @Option(help: "Port to listen on; 0 picks a free one.") var port = 8080
    @Option(help: "Seed referrals: a JSON array in the API's shape, or {\"items\": [...]}.") var seedFile: String?
    @Option(help: "Generate this many referrals instead of reading a seed file.") var generate: Int?
    @Option(help: "Seed for every random decision (faults, generated data).") var seed: UInt64 = 1
    @Option(help: "Latency added to every referral request, e.g. 50ms.", transform: parseDuration(within: .zero ... .seconds(3600))) var latency: Duration = .zero
    @Option(help: "Latency varies by up to ± this, e.g. 10ms.", transform: parseDuration(within: .zero ... .seconds(3600))) var jitter: Duration = .zero
    @Option(help: "Requests per second for the tenant, reads and writes alike (token bucket, 1 s burst); over it, 429.")
    var rateLimit: Double?
    @Option(help: "With --rate-limit N: a fixed window of N x this many calls instead, e.g. 10s.", transform: parseDuration(within: .milliseconds(100) ... .seconds(86_400)))
    var rateWindow: Duration?
    @Option(help: "With --rate-limit: later limits after the first request, e.g. 12s:60,24s:150.") var rateSchedule: String?
    @Flag(help: "Announce the quota in every answer (RateLimit-Policy and RateLimit headers).") var rateHeaders = false
    @Option(help: "With --rate-limit: the token bucket holds this many calls (default one second's worth), e.g. 1.")
    var rateBurst: Double?
    @Option(help: "With --rate-limit: send this Retry-After on every 429 instead of the real wait, e.g. 2, -5 or an HTTP date.")
    var rateRetryAfter: String?
    @Option(help: "Fraction of referral requests answered 503.") var failRate = 0.0
    @Option(help: "Fraction of referral requests whose connection is dropped unanswered.") var dropRate = 0.0
    @Option(help: "Fraction of PATCHes applied whose answer is lost (connection closed).") var lostResponseRate = 0.0
    @Flag(help: "Apply a retried PATCH again instead of replaying its first answer by request id.") var noReplay = false
    @Option(help: "Play a hostile server: \(HostileMode.arguments).", transform: { text in
        guard let mode = HostileMode(argument: text) else { throw ValidationError("--fault must be \(HostileMode.arguments).") }
        return mode
    })
    var fault: HostileMode?
    @Option(help: "Lifetime of tokens from /oauth2/token, e.g. 20s or 1h.", transform: parseDuration(within: .seconds(1) ... .seconds(30 * 86_400))) var tokenTtl: Duration = .seconds(3600)
    @Option(help: "Refresh tokens lapse when unused this long, e.g. 2160h (90 days, the default) or 10s (invalid_grant, AADSTS700082).", transform: parseDuration(within: .seconds(1) ... .seconds(366 * 86_400)))
    var refreshTokenLifetime: Duration = .seconds(90 * 86_400)
    @Flag(help: "Approve every device-code sign-in at once, with MFA, as Referral Admin (otherwise: POST /_sandbox/devicecode user_code=... decision=approve|approve-without-mfa|decline).")
    var autoApprove = false

    func validate() throws {
        for (name, rate) in [("--fail-rate", failRate), ("--drop-rate", dropRate), ("--lost-response-rate", lostResponseRate)]
        where !(0...1).contains(rate) {
            throw ValidationError("\(name) must be between 0 and 1.")
        }
        if failRate + dropRate + lostResponseRate > 1 { throw ValidationError("the fault rates add up to more than 1.") }
        if let rateLimit, !(rateLimit > 0 && rateLimit.isFinite) { throw ValidationError("--rate-limit must be a positive number.") }
        if rateLimit == nil, rateWindow != nil || rateSchedule != nil || rateHeaders || rateBurst != nil || rateRetryAfter != nil {
            throw ValidationError("--rate-window, --rate-schedule, --rate-headers, --rate-burst and --rate-retry-after need --rate-limit.")
        }
        if let rateRetryAfter, rateRetryAfter.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true }) {
            throw ValidationError("--rate-retry-after must be one line of text.")
        }
        if let rateBurst, !(rateBurst >= 1 && rateBurst.isFinite) { throw ValidationError("--rate-burst must be at least 1.") }
        if rateBurst != nil, rateWindow != nil { throw ValidationError("--rate-burst is for the token bucket, not --rate-window.") }
        if let rateWindow, rateWindow <= .zero { throw ValidationError("--rate-window must be positive.") }
        if let rateSchedule {
            do { _ = try RateSchedule.parseSteps(rateSchedule) } catch { throw ValidationError(error.description) }
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        if seedFile != nil, generate != nil { throw ValidationError("give --seed-file or --generate, not both.") }
        if let generate, generate < 0 { throw ValidationError("--generate must not be negative.") }
    }

    func run() async throws {
        var configuration = SandboxConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.seed = seed
        configuration.latency = latency
        configuration.jitter = jitter
        configuration.rateLimit = rateLimit
        configuration.rateWindow = rateWindow
        configuration.rateSchedule = rateSchedule.flatMap { try? RateSchedule.parseSteps($0) } ?? []
        configuration.rateHeaders = rateHeaders
        configuration.rateBurst = rateBurst
        configuration.rateRetryAfter = rateRetryAfter
        configuration.failRate = failRate
        configuration.dropRate = dropRate
        configuration.lostResponseRate = lostResponseRate
        configuration.replaysRequestIDs = !noReplay
        configuration.tokenTTL = tokenTtl
        configuration.refreshTokenLifetime = refreshTokenLifetime
        configuration.autoApprove = autoApprove
        configuration.hostile = fault
        let referrals: [JSONValue]
        do {
            referrals =
                if let seedFile { try SeedReferrals.load(path: seedFile) } else {
                    SeedReferrals.generate(count: generate ?? 100, seed: seed)
                }
        } catch {
            throw CommandFailure.unusable("\(error)")
        }
        let sandbox: RunningSandbox
        do {
            sandbox = try await SandboxServer.start(configuration, referrals: referrals)
        } catch {
            throw CommandFailure.unusable("\(error)")
        }
        var banner = "\(sandbox.baseURL)\n"
        for role in SandboxRole.allCases { banner += "token \(role.rawValue): \(sandbox.tokens[role]!)\n" }
        banner += "client \(sandbox.clientID) \(sandbox.clientSecret)\n"
        banner += "sign in: referral-bulk login --authority \(sandbox.baseURL) --tenant sandbox --client-id \(sandbox.clientID)\n"
        FileOutput.standardOutput.write(banner)
        FileOutput.standardOutput.flush()
        await SignalWatcher.waitForTerminationSignal()
        await sandbox.stop()
        FileOutput.standardError.write("sandbox stopped\n")
    }
}
