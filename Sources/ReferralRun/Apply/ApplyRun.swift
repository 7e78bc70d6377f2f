import Foundation
import Logging
import ReferralInput
import ReferralJournal
import ReferralModel
import ReferralOutcome
import ReferralPlan
import ReferralReport
import ReferralSend

/// One `apply`: the input, the sender, the worker pool and the report wired
/// together. The executable only turns options into a `Configuration`,
/// draws progress and handles signals.
package struct ApplyRun: Sendable {
    package struct Configuration: Sendable {
        package var input: String
        /// How the file is read (delimiter, encoding, conventions).
        package var reading = ReadingOptions()
        /// Send nothing unless every row of the file is valid.
        package var strict = false
        package var concurrency = 8
        package var maxRequestsPerSecond: Double?
        package var sender: ReferralSender.Options
        package var requestTimeout: Duration = .seconds(30)
        /// When to pause and when to give up on an API that keeps failing.
        package var circuit = CircuitBreaker()
        /// nil: `referral-bulk-<UTC timestamp>` in the current directory.
        package var reportDirectory: String?
        /// Where journals live; nil runs without one (no resume).
        package var stateDirectory: String? = ".referral-bulk"
        /// Ignore what earlier runs of this file recorded.
        package var fresh = false
        /// Only the documents of this shard.
        package var shard: ShardSelector?
        /// Where the run's outcome goes in Prometheus' text format (`--metrics-file`).
        package var metricsFile: String?

        package init(input: String, endpoint: String) {
            self.input = input
            self.sender = ReferralSender.Options(endpoint: endpoint)
        }
    }

    /// How the run ended, for the one-line summary and the exit code.
    package struct Result: Sendable, CustomStringConvertible {
        package var summary: RunSummary
        package var reportFolder: String
        package var exitStatus: ExitStatus
        package var dryRun = false

        /// The closing lines a person reads (standard output).
        package var description: String {
            var closing = "\(summary.oneLine)\nreport: \(reportFolder)/\n"
            if dryRun { closing += "dry run: nothing was sent; changes.csv lists what a real run would change\n" }
            if let reason = summary.abortReason { closing += "aborted (\(reason)); run the same command again to resume\n" }
            return closing
        }
    }

    /// How `run` ended: it ran (and the report says how), or nothing was sent.
    package enum Ending: Sendable, CustomStringConvertible {
        case ran(Result)
        /// `--strict` found rows with problems: nothing was sent (exit 1). The overview holds the first problems.
        case refusedByStrict(ChangeOverview)
        /// The person asked declined: nothing was sent (exit 1).
        case declined

        package var exitStatus: ExitStatus {
            switch self {
            case .ran(let result): result.exitStatus
            case .refusedByStrict, .declined: .someRowsNotApplied
            }
        }

        /// The run's result, when it ran.
        package var result: Result? { if case .ran(let result) = self { result } else { nil } }

        /// What the person reads: the closing lines of a run, or why nothing was sent (standard error).
        package var description: String {
            switch self {
            case .ran(let result): return result.description
            case .refusedByStrict(let overview):
                let listed = overview.invalidDocuments > overview.problems.count ? " (the first \(overview.problems.count) problems listed)" : ""
                return overview.problems.map { "\($0)\n" }.joined()
                    + "\(overview.documents) document(s), \(overview.invalidDocuments) with problems\(listed): nothing was sent (--strict).\n"
            case .declined: return "nothing was sent.\n"
            }
        }
    }

    /// Why the run could not start (exit 2): the typed error of the stage
    /// that refused, whose sentence is the description.
    package enum StartError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The input cannot be read, or its header is refused.
        case input(InputFile.OpenError)
        /// The report folder, or a file in it, cannot be created.
        case report(ReportFolder.Refusal)
        /// The journal cannot be opened.
        case journal(Journal.OpenError)

        package var description: String {
            switch self {
            case .input(let error): error.description
            case .report(let refusal): refusal.description
            case .journal(let error): error.description
            }
        }

        /// Exit 2, except another run of the same job going on: exit 3, as for a run that can be tried again.
        package var exitStatus: ExitStatus {
            if case .journal(let error) = self { error.exitStatus } else { .unusable }
        }
    }

    package let configuration: Configuration
    package let stop: StopSignal
    package let progress: RunProgress
    package let logger: Logger
    /// One sentence at a time for the person running it (warnings, resume notices).
    package let notify: @Sendable (String) -> Void
    /// Asked with what the file asks before anything is created or sent
    /// (a person at a terminal); nil sends without asking (cron, `--yes`).
    package let confirm: (@Sendable (ChangeOverview) async -> Bool)?

    package init(
        configuration: Configuration, stop: StopSignal = StopSignal(), logger: Logger,
        notify: @escaping @Sendable (String) -> Void = { _ in }, confirm: (@Sendable (ChangeOverview) async -> Bool)? = nil
    ) {
        self.confirm = confirm
        self.configuration = configuration
        self.stop = stop
        self.logger = logger
        self.notify = notify
        self.progress = RunProgress(estimatedTotalRows: RowEstimate.rows(inFile: configuration.input))
    }

    /// Checks what can be checked before anything is sent, then runs.
    package func run(tokens: any TokenProvider, transport: any ReferralTransport) async throws -> Ending {
        let planner: Planner
        do {
            let handle = try InputHandle(path: configuration.input)
            planner = try InputFile.planner(handle: handle, options: configuration.reading)
            for warning in planner.columns.warnings { notify("warning: \(warning)") }
            if configuration.strict || confirm != nil {
                let overview = try ChangeOverview.of(InputFile.planner(again: planner, handle: handle, options: configuration.reading))
                if configuration.strict, overview.invalidDocuments > 0 { return .refusedByStrict(overview) }
                if let confirm, !(await confirm(overview)) { return .declined }
            }
        } catch let error as CSVFileError {
            throw StartError.input(.file(error))
        } catch let error as InputFile.OpenError {
            throw StartError.input(error)
        }
        // A dry run finishes nothing: a journal would make the real run skip what it only read.
        let journal = configuration.sender.dryRun ? nil : try openJournal()
        // The journal holds the run lock: it must live until the run is over, not only until its last use.
        defer { withExtendedLifetime(journal) {} }
        let writer: ReportWriter
        do {
            let folder = try ReportFolder.create(at: configuration.reportDirectory ?? ReportFolder.defaultName())
            writer = try ReportWriter(
                folder: folder, inputHeader: planner.header, format: planner.format, dryRun: configuration.sender.dryRun)
        } catch {
            throw StartError.report(error)
        }
        let progress = self.progress
        let governor = SendGovernor(
            rate: RateController.Settings(cap: configuration.maxRequestsPerSecond),
            maxRetryAfter: configuration.sender.retry.maxRetryAfter, breaker: configuration.circuit, stop: stop,
            logger: logger, onPace: { progress.pace($0) })
        var recordIntent: (@Sendable (PatchDocument, [Outcome.BeforeValue], [PatchOperation]) throws(OutputFailure) -> Void)?
        if let journal {
            recordIntent = { document, before, operations throws(OutputFailure) in
                try journal.recordIntent(document, before: before, operations: operations)
            }
        }
        let sender = ReferralSender(
            options: configuration.sender, transport: transport, tokens: tokens, governor: governor, stop: stop, logger: logger,
            recordIntent: recordIntent)
        let shard = configuration.shard
        progress.start()
        _ = try await WorkerPool(concurrency: configuration.concurrency).run(
            next: {
                do throws(CSVFileError) {
                    while let document = try planner.next() {
                        if shard?.contains(document) ?? true { return document }
                    }
                    return nil
                } catch {
                    // A read error mid-file (e.g. a record too large): stop, report, resume after fixing.
                    stop.stop(.inputFailed(error))
                    return nil
                }
            },
            process: { document in
                guard let journal else { return await sender.send(document) }
                do throws(OutputFailure) {
                    if let entry = try journal.entry(for: document) { return Self.skipped(document, entry) }
                    // Looked up before sending: a PATCH of this run records its own intent over it.
                    let earlier = try journal.intent(for: document)
                    guard let outcome = await sender.send(document) else { return nil }
                    if outcome.kind == .unchanged, let earlier { return Self.appliedEarlier(outcome, earlier) }
                    return outcome
                } catch {
                    stop.stop(.outputFailed(error))
                    return nil
                }
            },
            record: { outcome in
                progress.record(outcome)
                // A file that cannot be written stops the run; the outcome is still offered to the other file.
                if let journal { do throws(OutputFailure) { try journal.record(outcome) } catch { stop.stop(.outputFailed(error)) } }
                do throws(OutputFailure) { try writer.record(outcome) } catch { stop.stop(.outputFailed(error)) }
            },
            stop: stop)
        if stop.isStopped { recordNeverReached(planner: planner, shard: shard, writer: writer) }
        if let journal { do throws(OutputFailure) { try journal.sync() } catch { stop.stop(.outputFailed(error)) } }
        do throws(OutputFailure) { try writer.sync() } catch { stop.stop(.outputFailed(error)) }
        let exitStatus: ExitStatus
        var abortReason: String?
        if let reason = stop.reason {
            exitStatus = .aborted
            abortReason = reason.description
        } else {
            exitStatus = writer.summary.allApplied ? .success : .someRowsNotApplied
        }
        do {
            let summary = try writer.finish(
                exitStatus: exitStatus, abortReason: abortReason, pacing: RunSummary.Pacing(
                    limitFound: await governor.limitFound, finalPace: await governor.pace,
                    inFlightLimit: await governor.inFlightLimit, cap: configuration.maxRequestsPerSecond), correlationID: configuration.sender.correlationID)
            await writeMetrics(summary, tokens: tokens)
            return .ran(Result(summary: summary, reportFolder: writer.folder.path, exitStatus: exitStatus, dryRun: configuration.sender.dryRun))
        } catch {
            // The run happened: it is aborted (exit 3, resumable), not unusable.
            var summary = writer.summary
            summary.exitStatus = .aborted
            summary.correlationID = configuration.sender.correlationID
            summary.abortReason = [abortReason, error.description].compactMap { $0 }.joined(separator: "; ")
            await writeMetrics(summary, tokens: tokens)
            return .ran(Result(summary: summary, reportFolder: writer.folder.path, exitStatus: .aborted, dryRun: configuration.sender.dryRun))
        }
    }

    /// The run's outcome for monitoring; a file that cannot be written is
    /// said, and does not change how the run ended (the report has it all).
    private func writeMetrics(_ summary: RunSummary, tokens: any TokenProvider) async {
        guard let path = configuration.metricsFile else { return }
        let file = MetricsFile(path: path, labels: RunMetrics.labels(input: configuration.input, shard: configuration.shard))
        let signIn = await tokens.signInTimes()
        do { try file.write(summary, signIn: signIn) } catch { notify("warning: \(error.description)") }
    }

    private func openJournal() throws(StartError) -> Journal? {
        guard let directory = configuration.stateDirectory else { return nil }
        let options = configuration.reading.fingerprintWords + ["shard=\(configuration.shard?.description ?? "all")"]
        let fingerprint: String?
        do { fingerprint = try InputFingerprint.of(path: configuration.input, options: options) } catch { throw .input(.file(error)) }
        guard let fingerprint else {
            notify("reading standard input: there is no journal, so an interrupted run cannot resume")
            return nil
        }
        do {
            let journal = try Journal(
                directory: directory, fingerprint: fingerprint, inputPath: configuration.input, fresh: configuration.fresh)
            if let notice = journal.notice { notify(notice) }
            return journal
        } catch {
            throw .journal(error)
        }
    }

    /// After a stop, the rest of the input goes into the report as
    /// `unfinished` (so `retry.csv` holds every row not applied); the journal
    /// is not touched, so the same command takes them up.
    private func recordNeverReached(planner: Planner, shard: ShardSelector?, writer: ReportWriter) {
        do {
            while let document = try planner.next() {
                if shard?.contains(document) ?? true { try writer.record(.unfinished(document)) }
            }
        } catch {
            // The input or the report failed again: the run is already stopping with its reason.
        }
    }

    /// A document an earlier run finished, with that run's outcome and, when
    /// it changed the referral, what undo needs.
    static func skipped(_ document: PatchDocument, _ entry: Journal.Entry) -> Outcome {
        let earlier = entry.message.isEmpty ? entry.kind.rawValue : "\(entry.kind.rawValue): \(entry.message)"
        return Outcome(
            document: document, kind: .skipped, httpStatus: entry.httpStatus,
            message: "finished by run \(entry.run) of this file (\(earlier))", requestID: entry.requestID, newETag: entry.newETag,
            before: entry.before, sentOperations: entry.sentOperations, finishedEarlierAs: entry.kind)
    }

    /// A document found as asked for which an earlier run recorded the
    /// write-ahead intent and never an outcome: that run was killed between
    /// sending the PATCH and recording its answer, which is a lost answer,
    /// and this read proves the change is there. So it is `updated` (not
    /// `unchanged`, which would say the file changed nothing), and undo
    /// restores what that run overwrote. The intent's operations are the
    /// document's own, minus what was already as asked then, so "the
    /// document is as asked" covers every field the intent sent.
    static func appliedEarlier(_ found: Outcome, _ intent: Journal.Intent) -> Outcome {
        var outcome = found
        outcome.kind = .updated
        outcome.message =
            "applied by run \(intent.run) of this file, which was interrupted before recording it: a read shows every field as it asked, nothing sent again"
        outcome.before = intent.before
        outcome.sentOperations = intent.sentOperations
        return outcome
    }
}
