import ArgumentParser
import ReferralModel
import ReferralPlan
import ReferralReport
import ReferralRun
import ReferralSend

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the live referrals as a CSV that apply reads back (with eTag), with no row limit.",
        discussion: """
            The convenience options build the OData $filter (joined with 'and', also with --filter). Edit the file, \
            then apply it as it is: unedited cells are 'unchanged', and the eTag column makes each write fail as a \
            conflict if the referral changed since the export. Exit 0: written; 2: bad options, or the API refused \
            the filter; 3: the API kept failing or the token was refused (nothing written to -o; run it again). Example:
              referral-bulk export --status Active --country DE --updated-since 2026-03-01 -o active-de.csv
            """
    )

    @Option(help: "An OData $filter passed as is, e.g. \"type eq 'Shared' or direction eq 'Incoming'\".") var filter: String?
    @Option(
        help: "Only referrals in this status (\(ReferralStatus.allCases.map(\.rawValue).joined(separator: ", "))).",
        transform: parseNamed(ReferralStatus.init(name:)))
    var status: ReferralStatus?
    @Option(help: "Only referrals with this substatus (e.g. Accepted, Won).", transform: parseNamed(ReferralSubstatus.init(name:)))
    var substatus: ReferralSubstatus?
    @Option(
        help: "Only referrals updated at or after this date (YYYY-MM-DD or a UTC date-time).",
        transform: { text in
            do throws(ValueError) { return try UTCDateTime.parse(text) } catch { throw ValidationError(error.reason + ".") }
        })
    var updatedSince: UTCDateTime?
    @Option(help: "Only referrals whose customer is in this country (ISO code, e.g. DE).") var country: String?
    @Option(help: "Only referrals whose team lists this e-mail.") var teamEmail: String?
    @Option(help: "Referrals per page asked of the API ($top; the API may cap it).") var topPage: Int?
    @Option(
        help: "Columns, comma-separated (default: every column apply maps, Team member 1..50, eTag). Must include Referral ID.",
        transform: { text in
            do throws(ExportError) { return try ExportColumn.list(parsing: text) } catch { throw ValidationError(error.description) }
        })
    var columns: [ExportColumn]?
    @Option(name: [.short, .customLong("output")], help: "The CSV or .xlsx file (written only when complete); default: standard output.")
    var output: String?
    @Option(help: "csv or xlsx (default: xlsx when -o ends in .xlsx, else csv).", transform: parseNamed { ExportFormat(rawValue: $0.lowercased()) })
    var format: ExportFormat?
    @OptionGroup var api: APIOptions

    func validate() throws {
        if let topPage, !(1...10_000).contains(topPage) { throw ValidationError("--top-page must be between 1 and 10000.") }
        for (name, value) in [("--filter", filter), ("--country", country), ("--team-email", teamEmail)] {
            if let value, value.allSatisfy(\.isWhitespace) { throw ValidationError("\(name) is empty.") }
        }
    }

    func run() async throws {
        var configuration = ExportRun.Configuration(endpoint: "")
        configuration.filter.filter = filter
        configuration.filter.status = status
        configuration.filter.substatus = substatus
        configuration.filter.updatedSince = updatedSince
        configuration.filter.country = country
        configuration.filter.teamEmail = teamEmail
        configuration.pageSize = topPage
        configuration.columns = columns ?? ExportColumn.standard
        configuration.retry = api.retryPolicy
        configuration.maxRequestsPerSecond = api.maxRps
        configuration.format = ExportFormat.chosen(format, output: output)

        let destination: ExportOutput
        do {
            destination = try output.map { path throws(ExportError) in try ExportOutput.file(path) } ?? .standardOutput()
        } catch {
            throw CommandFailure.unusable(error.description)
        }
        let connection = try await api.connect(concurrency: 1)
        configuration.endpoint = connection.endpoint
        let stop = StopSignal()
        let export = ExportRun(configuration: configuration, stop: stop, logger: api.logger)
        let runTask = Task {
            try await export.run(tokens: connection.tokens, transport: connection.client, output: destination)
        }
        let watcher = await SignalWatcher(
            stop: stop, gracePeriod: .zero, onFirst: { _ in FileOutput.standardError.write("\nstopping\n") },
            cancel: { runTask.cancel() })
        let progress = export.progress
        let drawing = Task { await StatusLine.standardError.run { _ in progress.snapshot.line(now: .now) } }
        let outcome = await runTask.result
        watcher.cancel()
        drawing.cancel()
        await drawing.value
        await connection.close()
        switch outcome {
        case .success(let result):
            FileOutput.standardError.write(result.sentence(output: output) + "\n")
        case .failure(let failure):
            // The task throws only ExportError (Task's failure type is untyped).
            let error = failure as? ExportError ?? .apiFailed("\(failure)")
            FileOutput.standardError.write("referral-bulk: \(error.sentence(output: output))\n")
            throw ExitCode(error.exitStatus.rawValue)
        }
    }
}
