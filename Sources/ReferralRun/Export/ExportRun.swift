import Foundation
import Logging
import ReferralInput
import ReferralModel
import ReferralSend

/// One `export`: reads the referral list page by page through
/// `@odata.nextLink` and writes each page's rows as it arrives, so memory
/// stays flat however many referrals match. Every page read goes through
/// `APICaller`, as every call of `apply`: the same retries, `Retry-After`, rate
/// governor and token refresh as `apply`.
package struct ExportRun: Sendable {
    package struct Configuration: Sendable {
        package var endpoint: String
        package var filter = ExportFilter()
        /// `$top`: referrals per page (the API caps it); nil: the API's default.
        package var pageSize: Int?
        package var columns = ExportColumn.standard
        package var format = ExportFormat.csv
        package var retry = RetryPolicy()
        package var maxRequestsPerSecond: Double?
        /// The request id (`client-request-id`) of the n-th page read (tests make them deterministic).
        package var requestID: @Sendable (Int) -> String = { _ in UUID().uuidString.lowercased() }

        package init(endpoint: String) { self.endpoint = endpoint }
    }

    package struct Result: Sendable, Equatable {
        package var rows: Int
        package var pages: Int

        /// The run's last line: `exported 2 referrals in 1 page to deals.csv`.
        package func sentence(output: String?) -> String {
            let written = output.map { " to \($0)" } ?? ""
            let rows = rows == 1 ? "1 referral" : "\(rows) referrals"
            let pages = pages == 1 ? "1 page" : "\(pages) pages"
            return "exported \(rows) in \(pages)\(written)"
        }
    }

    /// By creation date, which no edit changes: a referral edited while the
    /// export runs keeps its place, so it is neither skipped nor written twice.
    static let order = "createdDateTime asc"

    package let configuration: Configuration
    package let stop: StopSignal
    package let progress = ExportProgress()
    package let logger: Logger

    package init(configuration: Configuration, stop: StopSignal = StopSignal(), logger: Logger) {
        self.configuration = configuration
        self.stop = stop
        self.logger = logger
    }

    /// Writes the header and every page to `output`, then commits it; on any
    /// failure the output is discarded (a file never gets its name).
    package func run(tokens: any TokenProvider, transport: any ReferralTransport, output: ExportOutput) async throws(ExportError)
        -> Result
    {
        do {
            let result = try await write(tokens: tokens, transport: transport, output: output)
            try output.commit()
            return result
        } catch {
            output.discard()
            throw error
        }
    }

    private func write(tokens: any TokenProvider, transport: any ReferralTransport, output: ExportOutput) async throws(ExportError)
        -> Result
    {
        let governor = SendGovernor(
            rate: RateController.Settings(cap: configuration.maxRequestsPerSecond), maxRetryAfter: configuration.retry.maxRetryAfter,
            stop: stop, logger: logger)
        let caller = APICaller(
            endpoint: configuration.endpoint, retry: configuration.retry, correlationID: UUID().uuidString.lowercased(), transport: transport,
            tokens: tokens, governor: governor, stop: stop, logger: logger)
        let writer = CSVWriter()
        let columns = configuration.columns
        let workbook: XLSXSheetWriter?
        do {
            workbook = configuration.format == .xlsx ? try XLSXSheetWriter(sheetName: "Referrals", header: columns.map(\.header)) : nil
        } catch {
            throw .workbook(error)
        }
        if workbook == nil { try output.write(writer.row(columns.map(\.header))) }
        var result = Result(rows: 0, pages: 0)
        var next: String? = ReferralRequest.listURL(
            endpoint: configuration.endpoint, filter: configuration.filter.odata, orderBy: Self.order, top: configuration.pageSize)
        // Bounded by the API's pages; a link to the page just read would never end, so it is refused.
        while let url = next {
            if stop.isStopped { throw .interrupted }
            var tally = CallTally()
            let page = try Self.page(await caller.call(.list(url: url, requestID: configuration.requestID(result.pages + 1)), &tally))
            guard case .array(let items)? = page["value"] else { throw .notAPage("it has no \"value\" array") }
            for referral in items {
                if let workbook {
                    do {
                        try workbook.append(columns.map { $0.sheetCell(referral) })
                    } catch {
                        throw .workbook(error)
                    }
                } else {
                    try output.write(writer.row(columns.map { $0.cell(referral) }))
                }
            }
            result.rows += items.count
            result.pages += 1
            progress.pageWritten(rows: items.count)
            logger.debug("page", metadata: ["page": "\(result.pages)", "rows": "\(items.count)", "attempts": "\(tally.attempts)"])
            next = try page["@odata.nextLink"]?.stringValue.map { link throws(ExportError) in
                try NextLink.resolve(link, endpoint: configuration.endpoint)
            }
            if next == url { throw .notAPage("its next link is the page itself") }
        }
        if let workbook { try Self.copy(workbook, to: output) }
        return result
    }

    /// The finished workbook's archive, into the output (which renames it into place on commit).
    private static func copy(_ workbook: XLSXSheetWriter, to output: ExportOutput) throws(ExportError) {
        let archive: ByteSource
        do {
            archive = try workbook.finish()
        } catch {
            throw .workbook(error)
        }
        while true {
            let chunk: ArraySlice<UInt8>
            do {
                chunk = try archive.read()
            } catch {
                throw .workbookUnreadable(error)
            }
            if chunk.isEmpty { break }
            try output.write(Array(chunk))
        }
    }

    /// The page an answer carries, or why there is none.
    static func page(_ result: CallResult) throws(ExportError) -> JSONValue {
        let response: APIResponse
        switch result {
        case .answered(let answer, _): response = answer
        case .gaveUp(let reason, _), .answerLost(let reason): throw .apiFailed(reason)
        case .credentials(let reason): throw .credentialsRejected(reason)
        case .cancelled: throw .interrupted
        }
        let json = response.json
        let message = AnswerCheck.serverMessage(response)
        switch response.status {
        case 200:
            guard let json else { throw .notAPage("it is not JSON") }
            return json
        case 400: throw .refused(status: 400, message: message)
        case 401, 403: throw .tokenRefused(status: response.status, message: message)
        default: throw .apiFailed(message)
        }
    }
}
