import ArgumentParser
import Glibc
import ReferralModel
import ReferralPlan
import ReferralReport
import ReferralRun
import ReferralSend

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
    @OptionGroup var api: APIOptions

    @Option(help: "Documents in flight at once.") var concurrency = 8
    @Flag(help: "Skip the read before each write (no If-Match, no transition check, no undo values).") var noPreflight = false
    @Option(help: "Re-reads after a 412 before reporting a conflict.") var conflictRetries = 1
    @Flag(help: "Ask for the updated referral in each answer (Prefer: return=representation).") var returnRepresentation = false
    @Option(help: "Report folder (default: referral-bulk-<UTC timestamp>); never an existing one.") var reportDir: String?
    @Option(help: "After SIGINT/SIGTERM, how long in-flight requests may finish (0s to 1h).", transform: parseDuration(within: .zero ... .seconds(3600)))
    var gracePeriod: Duration = .seconds(30)
    @Flag(help: "Ignore what earlier runs of this file recorded: send everything again.") var fresh = false
    @Flag(help: "All or nothing: check the whole file first and send nothing if any row has a problem (exit 1).") var strict = false
    @Flag(help: "Do not ask before sending (on a terminal, apply shows what the file asks and asks first; cron is never asked).") var yes = false
    @Option(
        help: "Take only the referrals whose ID hashes to K of N, e.g. 0/4 (JOB_COMPLETION_INDEX/N).",
        transform: { text in
            do throws(ShardSelector.ParseError) { return try ShardSelector(parsing: text) } catch { throw ValidationError(error.description) }
        })
    var shard: ShardSelector?
    @Flag(help: "Read every referral and write what would change (changes.csv, report.html); send no write, record nothing for resume.")
    var dryRun = false
    @Option(help: "Write the run's outcome here in Prometheus text format, for node_exporter's textfile collector (e.g. /var/lib/node_exporter/textfile/referral-bulk.prom).")
    var metricsFile: String?

    func validate() throws {
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 1024.") }
        guard conflictRetries >= 0 else { throw ValidationError("--conflict-retries must not be negative.") }
        if dryRun, metricsFile != nil { throw ValidationError("--metrics-file records real runs: a dry run changes nothing to monitor.") }
        if dryRun, noPreflight { throw ValidationError("--dry-run reads each referral: it cannot be combined with --no-preflight.") }
    }

    func run() async throws {
        let logger = api.logger
        let connection = try await api.connect(concurrency: concurrency)
        let endpoint = connection.endpoint

        var configuration = ApplyRun.Configuration(input: input.file, endpoint: endpoint)
        configuration.reading = input.reading
        configuration.strict = strict
        configuration.concurrency = concurrency
        configuration.maxRequestsPerSecond = api.maxRps
        configuration.sender.retry = api.retryPolicy
        configuration.sender.preflight = !noPreflight
        configuration.sender.conflictRetries = conflictRetries
        configuration.sender.returnRepresentation = returnRepresentation
        configuration.sender.dryRun = dryRun
        configuration.metricsFile = metricsFile
        configuration.requestTimeout = api.timeout
        configuration.reportDirectory = reportDir
        configuration.stateDirectory = api.stateDir
        // A reset sandbox has none of the changes the journals remember.
        configuration.fresh = fresh || api.sandboxReset
        configuration.shard = shard

        let stop = StopSignal()
        let asksFirst = !yes && !dryRun && isatty(STDIN_FILENO) == 1 && FileOutput.standardError.isTerminal
        let target = api.sandbox ? "the sandbox" : endpoint
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
            notify: { notice in StatusLine.standardError.message(notice) },
            confirm: confirm)
        let runTask = Task { try await apply.run(tokens: connection.tokens, transport: connection.client) }
        let watcher = await SignalWatcher(
            stop: stop, gracePeriod: gracePeriod,
            onFirst: { _ in
                StatusLine.standardError.message("stopping: finishing requests in flight (again to stop at once)")
            },
            cancel: { runTask.cancel() })
        let progress = apply.progress
        let drawing = Task {
            for await _ in answered {}
            await StatusLine.standardError.run { terminal in
                terminal ? ProgressLine.bar(progress.snapshot, now: .now) : ProgressLine.log(progress.snapshot, now: .now)
            }
        }

        let ending = await runTask.result
        watcher.cancel()
        drawing.cancel()
        await drawing.value
        await connection.close()

        let ended: ApplyRun.Ending
        do {
            ended = try ending.get()
        } catch {
            throw CommandFailure(sentence: "\(error)", status: (error as? ApplyRun.StartError)?.exitStatus ?? .unusable)
        }
        // A run's closing lines are its output; why nothing was sent is said on standard error.
        let output = ended.result == nil ? FileOutput.standardError : FileOutput.standardOutput
        output.write(ended.description)
        output.flush()
        throw ExitCode(ended.exitStatus.rawValue)
    }
}
