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

    public init(configuration: Configuration, stop: StopSignal = StopSignal(), logger: Logger) {
        self.configuration = configuration
        self.stop = stop
        self.logger = logger
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
        for warning in planner.columns.warnings { logger.warning("\(warning)") }
        let writer: ReportWriter
        do {
            let folder = try ReportFolder.create(at: configuration.reportDirectory ?? ReportFolder.defaultName())
            writer = try ReportWriter(folder: folder, inputHeader: planner.header, delimiter: planner.delimiter)
        } catch {
            throw StartError(description: error.description)
        }
        let governor = SendGovernor(
            maxRequestsPerSecond: configuration.maxRequestsPerSecond, breaker: configuration.circuit, stop: stop)
        let sender = ReferralSender(
            options: configuration.sender, transport: transport, tokens: tokens, governor: governor, stop: stop, logger: logger)
        let ending = try await WorkerPool(concurrency: configuration.concurrency).run(
            next: {
                do {
                    return try planner.next()
                } catch {
                    // A read error mid-file (e.g. a record too large): stop, report, resume after fixing.
                    stop.stop(.inputFailed("\(error)"))
                    return nil
                }
            },
            process: { document in await sender.send(document) },
            record: { outcome in
                writer.record(outcome)
                progress.record(outcome)
            },
            stop: stop)
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
            let summary = try writer.finish(exitStatus: exitStatus, abortReason: abortReason)
            return Result(summary: summary, reportFolder: writer.folder.path, exitStatus: exitStatus)
        } catch {
            throw StartError(description: error.description)
        }
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
