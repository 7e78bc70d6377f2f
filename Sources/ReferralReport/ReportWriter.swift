import Foundation
import ReferralInput
import ReferralModel
import ReferralPlan
import ReferralOutcome

/// Writes a run's report folder as outcomes arrive:
///
/// - `results.csv`: one row per document (lines, referral, outcome, HTTP
///   status, attempts of the write, message, our request id
///   (`client-request-id`), new eTag, attempts of the reads: a clean update
///   is 1 and 1, and the summary's retries count every attempt beyond the
///   first of each call; the server's `Request-ID`);
/// - `retry.csv`: the input rows that were not applied, every cell as the
///   input held it, in the input's own columns, delimiter, encoding (and
///   byte-order mark, and lines above the header), plus `Errors` (the
///   input's own `Errors` column when it has one): fix them and run the same
///   command on it; for a workbook input, `retry.xlsx` instead, its cells
///   typed as the input's were (written whole at the end: a workbook has no
///   usable prefix);
/// - `undo.csv`: for every updated document, the values the touched fields
///   had before, in the long layout (`id,op,path,value`): applying it
///   restores them; `undo-warnings.csv` lists what this API cannot undo
///   (added team members, fields that did not exist);
/// - in a dry run, `changes.csv` instead of the undo files: one row per
///   field the file asks (`ChangeRow`), with what a real run would do;
/// - `summary.json`, `timeline.csv` (per-second counts) and `report.html`
///   (`ReportPage`), written atomically at the end.
///
/// Rows are flushed in small batches, so a crash leaves a usable prefix.
/// Used from one task (the worker pool's recording loop).
package final class ReportWriter {
    package let folder: ReportFolder
    private let results: FileOutput
    private let retry: FileOutput
    /// None in a dry run: it changes nothing.
    private let undo: FileOutput?
    private let undoWarnings: FileOutput?
    /// Dry run only.
    private let changes: FileOutput?
    /// Every CSV being written, by name: flushed, synced and published together.
    private let outputs: [(name: String, file: FileOutput)]
    private let csv = CSVWriter()
    private let retryCSV: CSVWriter
    /// For a workbook input: the rows of `retry.xlsx`, copied into `retry` by `finish`.
    private let retrySheet: XLSXSheetWriter?
    private let retryName: String
    private let retryEncoding: TextEncoding
    private let inputColumns: Int
    /// Where the message goes in a retry row: the input's `Errors` column, or one more.
    private let errorsColumn: Int
    package private(set) var summary = RunSummary()
    package private(set) var timeline = RunTimeline()
    /// The first rows not applied, and the first changes of a dry run, for the page.
    private var unapplied: [ReportPage.Unapplied] = []
    private var unappliedTotal = 0
    private var changeRows: [ChangeRow] = []
    private var changeRowsTotal = 0
    private var sinceFlush = 0

    package init(folder: ReportFolder, inputHeader: [String], format: InputFormat, dryRun: Bool = false) throws(ReportFolder.Refusal) {
        self.folder = folder
        results = try folder.createReplacement("results.csv")
        retryName = format.workbookSheet == nil ? "retry.csv" : "retry.xlsx"
        retry = try folder.createReplacement(retryName)
        var outputs = [("results.csv", results), (retryName, retry)]
        if dryRun {
            let changes = try folder.createReplacement("changes.csv")
            outputs.append(("changes.csv", changes))
            (undo, undoWarnings, self.changes) = (nil, nil, changes)
        } else {
            let undo = try folder.createReplacement("undo.csv"), undoWarnings = try folder.createReplacement("undo-warnings.csv")
            outputs += [("undo.csv", undo), ("undo-warnings.csv", undoWarnings)]
            (self.undo, self.undoWarnings, changes) = (undo, undoWarnings, nil)
        }
        self.outputs = outputs
        summary.dryRun = dryRun
        retryCSV = CSVWriter(delimiter: format.delimiter)
        retryEncoding = format.encoding
        inputColumns = inputHeader.count
        let existingErrors = inputHeader.firstIndex { FieldCatalog.fold($0) == FieldCatalog.fold(Self.errorsHeader) }
        errorsColumn = existingErrors ?? inputHeader.count
        results.write(
            bytes: csv.row([
                "lines", "referral_id", "outcome", "http_status", "attempts", "message", "request_id", "new_etag", "read_attempts",
                "server_request_id",
            ]))
        let retryHeader = existingErrors == nil ? inputHeader + [Self.errorsHeader] : inputHeader
        if let sheet = format.workbookSheet {
            do {
                retrySheet = try XLSXSheetWriter(sheetName: sheet, header: retryHeader)
            } catch {
                throw .cannotCreateFile(path: folder.path + "/retry.xlsx", errno: EIO)
            }
        } else {
            retrySheet = nil
            var start = format.hasByteOrderMark ? format.encoding.byteOrderMark : []
            start += format.encoding.encode(format.preamble, substitute: Self.unencodable)!
            retry.write(bytes: start)
            writeRetry(retryHeader)
        }
        undo?.write(bytes: csv.row(["id", "op", "path", "value"]))
        undoWarnings?.write(bytes: csv.row(["id", "path", "reason"]))
        changes?.write(bytes: csv.row(ChangeRow.header))
    }

    /// Writes the outcome's rows; throws once any report file cannot be written.
    package func record(_ outcome: Outcome) throws(OutputFailure) {
        summary.add(outcome)
        timeline.record(outcome, second: Int(Date().timeIntervalSince(summary.started)))
        let document = outcome.document
        let lines = document.lineText
        results.write(
            bytes: csv.row([
                lines, document.referralID, outcome.kind.rawValue, outcome.httpStatus.map(String.init) ?? "",
                String(outcome.attempts), outcome.message, outcome.requestID ?? "", outcome.newETag ?? "",
                String(outcome.readAttempts), outcome.serverRequestID ?? "",
            ]))
        if !outcome.kind.isSettled {
            for (index, row) in document.sourceRows.enumerated() {
                let cells = Self.retryRow(row, columns: inputColumns, errorsColumn: errorsColumn, message: outcome.message)
                if let retrySheet {
                    let types = index < document.sourceCellTypes.count ? document.sourceCellTypes[index] : []
                    do {
                        try retrySheet.append(Self.typedRetryRow(cells, types: types, errorsColumn: errorsColumn))
                    } catch {
                        throw OutputFailure(path: folder.path + "/retry.xlsx", errno: EIO)
                    }
                } else {
                    writeRetry(cells)
                }
            }
            unappliedTotal += 1
            if unapplied.count < ReportPage.listed {
                unapplied.append(.init(lines: lines, referralID: document.referralID, outcome: outcome.kind.rawValue, message: outcome.message))
            }
        }
        if outcome.carriesChange { writeUndo(outcome) }
        if let changes {
            for row in ChangeRow.rows(for: outcome) {
                changes.write(bytes: csv.row(row.cells))
                changeRowsTotal += 1
                if changeRows.count < ReportPage.listed { changeRows.append(row) }
            }
        }
        sinceFlush += 1
        if sinceFlush >= 64 { flush() }
        try check()
    }

    /// Throws the first write to a report file that failed.
    package func check() throws(OutputFailure) {
        for (_, output) in outputs { try output.check() }
    }

    static let errorsHeader = "Errors"

    /// The row with the message in the `Errors` column: every cell of the
    /// input kept (trailing blank cells past the header carry nothing and
    /// are dropped), a short row padded up to that column, a ragged row's
    /// extra cells left where they were with the message after them, so the
    /// row means exactly what it meant in the input.
    static func retryRow(_ row: [String], columns: Int, errorsColumn: Int, message: String) -> [String] {
        var cells = row
        while cells.count > columns, cells.last!.isBlank { cells.removeLast() }
        if errorsColumn < columns {
            // The input's own Errors column (an edited export): its old message is replaced.
            if cells.count <= errorsColumn { cells += Array(repeating: "", count: errorsColumn + 1 - cells.count) }
            cells[errorsColumn] = message
        } else {
            cells += Array(repeating: "", count: max(0, columns - cells.count))
            cells.append(message)
        }
        return cells
    }

    /// A retry row's cells as the input typed them: number cells as numbers,
    /// date cells as dates, the rest (and the message) as text.
    static func typedRetryRow(_ cells: [String], types: [CellType], errorsColumn: Int) -> [SheetCell] {
        cells.enumerated().map { column, text in
            guard column != errorsColumn, column < types.count, !text.isEmpty else { return text.isEmpty ? .empty : .text(text) }
            switch types[column] {
            case .number: return .number(text)
            case .date:
                guard let date = try? UTCDateTime.parse(text) else { return .text(text) }
                return .dateTime(secondsSinceEpoch: date.secondsSinceEpoch)
            default: return .text(text)
            }
        }
    }

    /// `?` for a character of our own messages (an ellipsis, say) that the
    /// input's single-byte encoding lacks; the input's own cells, decoded
    /// from that encoding, always have their bytes. Before, such a row fell
    /// back to UTF-8 whole, and its accented cells no longer read back.
    static let unencodable = UInt8(ascii: "?")

    /// In the input's encoding: the same `--encoding` reads it back.
    private func writeRetry(_ cells: [String]) {
        let row = retryCSV.row(cells)
        retry.write(bytes: retryEncoding == .utf8 ? row : retryEncoding.encode(String(decoding: row, as: UTF8.self), substitute: Self.unencodable)!)
    }

    private func writeUndo(_ outcome: Outcome) {
        guard let undo, let undoWarnings else { return }
        let id = outcome.document.referralID
        // Closed is terminal: no undo row could ever be applied to this referral again.
        if IrreversibleChanges(outcome.sentOperations).referralsClosed > 0 {
            undoWarnings.write(bytes: csv.row([id, "/status", "the referral is now Closed, which takes no further update"]))
            summary.undoWarnings += 1
            return
        }
        for before in outcome.before {
            guard let value = before.value else {
                let reason = before.path.tokens.last == "-" ? "a team member was added; this API cannot remove one" : "the field did not exist before; this API cannot remove it"
                undoWarnings.write(bytes: csv.row([id, before.path.description, reason]))
                summary.undoWarnings += 1
                continue
            }
            undo.write(bytes: csv.row([id, "replace", before.path.description, Self.undoCell(value)]))
        }
    }

    /// A long-layout value cell that reads back as exactly `value`: strings as
    /// text unless they would read as JSON, everything else as JSON.
    static func undoCell(_ value: JSONValue) -> String {
        if case .string(let text) = value, !text.isEmpty, (try? JSONParser.parse(text)) == nil { return text }
        return JSONWriter.string(value)
    }

    /// Hands buffered rows to the kernel: they survive the process being
    /// killed. (Syncing to the disk itself waits for `finish`: an fsync per
    /// batch would stall the worker pool.)
    package func flush() {
        for (_, output) in outputs { output.flush() }
        sinceFlush = 0
    }

    /// Syncs the CSV files to disk; throws if any of them could not be written.
    package func sync() throws(OutputFailure) {
        for (_, output) in outputs { output.sync() }
        try check()
    }

    /// Closes the CSV files and writes `summary.json`, `timeline.csv` and `report.html`.
    package func finish(
        exitStatus: ExitStatus, abortReason: String?, pacing: RunSummary.Pacing = RunSummary.Pacing(), correlationID: String? = nil
    ) throws(ReportFolder.Refusal) -> RunSummary {
        summary.finished = Date()
        summary.correlationID = correlationID
        summary.pacing = pacing
        summary.exitStatus = exitStatus
        summary.abortReason = abortReason
        if let retrySheet {
            do {
                let archive = try retrySheet.finish()
                while true {
                    let chunk = try archive.read()
                    if chunk.isEmpty { break }
                    retry.write(bytes: Array(chunk))
                }
            } catch {
                throw .cannotWrite(path: folder.path + "/retry.xlsx", errno: EIO)
            }
        }
        // Every file is sealed (and so closed) before any is published: a
        // sync or close that fails keeps the earlier run's files in place
        // rather than publishing a report with a file cut short.
        var failure: ReportFolder.Refusal?
        for (name, output) in outputs {
            do throws(ReportFolder.Refusal) {
                try folder.seal(name, output)
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        // Each file replaces the one an earlier run of this file left, once whole.
        for (name, _) in outputs { try folder.publish(name) }
        var bytes = JSONWriter.bytes(summary.json, pretty: true)
        bytes.append(0x0A)
        try folder.writeAtomically("summary.json", bytes)
        try folder.writeAtomically("timeline.csv", timeline.csv(csv))
        let page = ReportPage(
            summary: summary, timeline: timeline, unapplied: unapplied, unappliedTotal: unappliedTotal, retryFile: retryName,
            changes: changeRows, changesTotal: changeRowsTotal)
        try folder.writeAtomically("report.html", Array(page.html().utf8))
        return summary
    }
}
