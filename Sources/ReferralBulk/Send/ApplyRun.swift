import Foundation
import Logging

/// One `apply`: the input, the sender, the worker pool and the report wired
/// together. The executable only turns options into a `Configuration`,
/// draws progress and handles signals.
public struct ApplyRun: Sendable {
    public struct Configuration: Sendable {
        public var input: String
        public var delimiter: UInt8?
        public var ignoreUnknownColumns = false
        public var concurrency = 8
        public var maxRequestsPerSecond: Double?
        public var sender: ReferralSender.Options
        public var requestTimeout: Duration = .seconds(30)
        /// When to pause and when to give up on an API that keeps failing.
        public var circuit = CircuitBreaker()
        /// nil: `referral-bulk-<UTC timestamp>` in the current directory.
        public var reportDirectory: String?
        /// Where journals live; nil runs without one (no resume).
        public var stateDirectory: String? = ".referral-bulk"
        /// Ignore what earlier runs of this file recorded.
        public var fresh = false
        /// Only the documents of this shard.
        public var shard: ShardSelector?

        public init(input: String, endpoint: String) {
            self.input = input
            self.sender = ReferralSender.Options(endpoint: endpoint)
        }
    }

    /// How the run ended, for the one-line summary and the exit code.
    public struct Result: Sendable {
        public var summary: RunSummary
        public var reportFolder: String
        public var exitStatus: ExitStatus
    }

    /// Why the run could not start (exit 2).
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public let configuration: Configuration
    public let stop: StopSignal
    public let progress: RunProgress
    public let logger: Logger
    /// One sentence at a time for the person running it (warnings, resume notices).
    public let notify: @Sendable (String) -> Void

    public init(
        configuration: Configuration, stop: StopSignal = StopSignal(), logger: Logger,
        notify: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.stop = stop
        self.logger = logger
        self.notify = notify
        self.progress = RunProgress(estimatedTotalRows: RowEstimate.rows(inFile: configuration.input))
    }

    /// Checks what can be checked before anything is sent, then runs.
    public func run(tokens: any TokenProvider, transport: ReferralAPIClient) async throws -> Result {
        let planner: Planner
        do {
            planner = try InputFile.planner(
                path: configuration.input, delimiter: configuration.delimiter,
                ignoreUnknownColumns: configuration.ignoreUnknownColumns)
        } catch {
            throw StartError(description: error.description)
        }
        for warning in planner.columns.warnings { notify("warning: \(warning)") }
        let journal = try openJournal()
        let writer: ReportWriter
        do {
            let folder = try ReportFolder.create(at: configuration.reportDirectory ?? ReportFolder.defaultName())
            writer = try ReportWriter(folder: folder, inputHeader: planner.header, delimiter: planner.delimiter)
        } catch {
            throw StartError(description: error.description)
        }
        let progress = self.progress
        let governor = SendGovernor(
            rate: RateController.Settings(cap: configuration.maxRequestsPerSecond),
            maxRetryAfter: configuration.sender.retry.maxRetryAfter, breaker: configuration.circuit, stop: stop,
            logger: logger, onPace: { progress.pace($0) })
        let sender = ReferralSender(
            options: configuration.sender, transport: transport, tokens: tokens, governor: governor, stop: stop, logger: logger)
        let earlier = journal?.earlier ?? [:]
        let shard = configuration.shard
        let ending = try await WorkerPool(concurrency: configuration.concurrency).run(
            next: {
                do {
                    while let document = try planner.next() {
                        if shard?.contains(document) ?? true { return document }
                    }
                    return nil
                } catch {
                    // A read error mid-file (e.g. a record too large): stop, report, resume after fixing.
                    stop.stop(.inputFailed("\(error)"))
                    return nil
                }
            },
            process: { document in
                if let entry = earlier[Journal.key(document)] { return Self.skipped(document, entry) }
                return await sender.send(document)
            },
            record: { outcome in
                writer.record(outcome)
                journal?.record(outcome)
                progress.record(outcome)
            },
            stop: stop)
        journal?.sync()
        let exitStatus: ExitStatus
        var abortReason: String?
        switch ending {
        case .completed:
            exitStatus = writer.summary.allApplied ? .success : .someRowsNotApplied
        case .stopped(let reason):
            exitStatus = .aborted
            abortReason = Self.describe(reason)
        }
        do {
            let summary = try writer.finish(
                exitStatus: exitStatus, abortReason: abortReason, pacing: RunSummary.Pacing(
                    limitFound: await governor.limitFound, finalPace: await governor.pace,
                    cap: configuration.maxRequestsPerSecond))
            return Result(summary: summary, reportFolder: writer.folder.path, exitStatus: exitStatus)
        } catch {
            throw StartError(description: error.description)
        }
    }

    private func openJournal() throws -> Journal? {
        guard let directory = configuration.stateDirectory else { return nil }
        let options = [
            "delimiter=\(configuration.delimiter.map(String.init) ?? "auto")",
            "ignoreUnknownColumns=\(configuration.ignoreUnknownColumns)", "shard=\(configuration.shard?.description ?? "all")",
        ]
        do {
            guard let fingerprint = try InputFingerprint.of(path: configuration.input, options: options) else {
                notify("reading standard input: there is no journal, so an interrupted run cannot resume")
                return nil
            }
            let journal = try Journal(
                directory: directory, fingerprint: fingerprint, inputPath: configuration.input, fresh: configuration.fresh)
            if let notice = journal.notice { notify(notice) }
            return journal
        } catch {
            throw StartError(description: "\(error)")
        }
    }

    static func skipped(_ document: PatchDocument, _ entry: Journal.Entry) -> Outcome {
        let earlier = entry.message.isEmpty ? entry.kind.rawValue : "\(entry.kind.rawValue): \(entry.message)"
        return Outcome(
            document: document, kind: .skipped, httpStatus: entry.httpStatus, message: "finished by an earlier run (\(earlier))",
            requestID: entry.requestID, newETag: entry.newETag)
    }

    static func describe(_ reason: StopSignal.Reason) -> String {
        switch reason {
        case .interrupted(let signal): "interrupted by signal \(signal)"
        case .apiKeepsFailing(let detail): "stopped: \(detail)"
        case .credentialsRejected(let detail): "credentials rejected: \(detail)"
        case .inputFailed(let detail): "the input could not be read further: \(detail)"
        }
    }
}
