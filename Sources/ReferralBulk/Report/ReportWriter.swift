import Foundation

/// Writes a run's report folder as outcomes arrive:
///
/// - `results.csv`: one row per document (lines, referral, outcome, HTTP
///   status, attempts, message, `MS-RequestId`, new eTag);
/// - `retry.csv`: the input rows that were not applied, in the input's own
///   columns and delimiter, plus `Errors`: fix them and run the file again;
/// - `undo.csv`: for every updated document, the values the touched fields
///   had before, in the long layout (`id,op,path,value`): applying it
///   restores them; `undo-warnings.csv` lists what this API cannot undo
///   (added team members, fields that did not exist);
/// - `summary.json`, written atomically at the end.
///
/// Rows are flushed in small batches, so a crash leaves a usable prefix.
/// Used from one task (the worker pool's recording loop).
public final class ReportWriter {
    public let folder: ReportFolder
    private let results: FileOutput
    private let retry: FileOutput
    private let undo: FileOutput
    private let undoWarnings: FileOutput
    private let csv = CSVWriter()
    private let retryCSV: CSVWriter
    private let inputColumns: Int
    public private(set) var summary = RunSummary()
    private var sinceFlush = 0

    public init(folder: ReportFolder, inputHeader: [String], delimiter: UInt8) throws(ReportFolder.Refusal) {
        self.folder = folder
        results = try folder.createFile("results.csv")
        retry = try folder.createFile("retry.csv")
        undo = try folder.createFile("undo.csv")
        undoWarnings = try folder.createFile("undo-warnings.csv")
        retryCSV = CSVWriter(delimiter: delimiter)
        inputColumns = inputHeader.count
        results.write(bytes: csv.row(["lines", "referral_id", "outcome", "http_status", "attempts", "message", "request_id", "new_etag"]))
        retry.write(bytes: retryCSV.row(inputHeader + ["Errors"]))
        undo.write(bytes: csv.row(["id", "op", "path", "value"]))
        undoWarnings.write(bytes: csv.row(["id", "path", "reason"]))
    }

    public func record(_ outcome: Outcome) {
        summary.add(outcome)
        let document = outcome.document
        let lines = document.lines.count == 1 ? "\(document.lines.lowerBound)" : "\(document.lines.lowerBound)-\(document.lines.upperBound)"
        results.write(
            bytes: csv.row([
                lines, document.referralID, outcome.kind.rawValue, outcome.httpStatus.map(String.init) ?? "",
                String(outcome.attempts), outcome.message, outcome.requestID ?? "", outcome.newETag ?? "",
            ]))
        if !outcome.kind.isApplied, outcome.kind != .skipped {
            for row in document.sourceRows {
                let cells = Array(row.prefix(inputColumns)) + Array(repeating: "", count: max(0, inputColumns - row.count))
                retry.write(bytes: retryCSV.row(cells + [outcome.message]))
            }
        }
        if outcome.kind == .updated { writeUndo(outcome) }
        sinceFlush += 1
        if sinceFlush >= 64 { flush() }
    }

    private func writeUndo(_ outcome: Outcome) {
        let id = outcome.document.referralID
        // Closed is terminal: no undo row could ever be applied to this referral again.
        if outcome.sentOperations.contains(where: { $0.path == .status && $0.value == "Closed" }) {
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
    public func flush() {
        for output in [results, retry, undo, undoWarnings] { output.flush() }
        sinceFlush = 0
    }

    /// Closes the CSV files and writes `summary.json`.
    public func finish(
        exitStatus: ExitStatus, abortReason: String?, pacing: RunSummary.Pacing = RunSummary.Pacing()
    ) throws(ReportFolder.Refusal) -> RunSummary {
        summary.finished = Date()
        summary.pacing = pacing
        summary.exitStatus = exitStatus
        summary.abortReason = abortReason
        for output in [results, retry, undo, undoWarnings] {
            output.sync()
            output.close()
        }
        var bytes = JSONWriter.bytes(summary.json, pretty: true)
        bytes.append(0x0A)
        try folder.writeAtomically("summary.json", bytes)
        return summary
    }
}
