import ReferralInput
import ReferralModel

/// Turns an input's records (CSV or a workbook's sheet) into patch documents, one at a time.
///
/// Adjacent rows with the same referral ID become one document, in file
/// order; the same ID later in the file starts a new document. A document
/// with any bad row carries its problems and is never sent. Memory holds one
/// document at a time, whatever the file's size.
package final class Planner {
    package let columns: ColumnMap
    /// The input, read on a thread of its own a few batches ahead.
    private let reader: ReadAhead
    private var pending: PatchDocument?
    private var nextSequence = 0
    private var finished = false
    /// Data rows read so far (blank filler rows excluded).
    package private(set) var rowsRead = 0

    /// Plans `reader`'s rows through `columns` (settled for this file by `InputFile`).
    package init(input reader: InputReader, columns: ColumnMap) {
        self.reader = ReadAhead(reader)
        self.columns = columns
    }

    package convenience init(reader: CSVReader, columns: ColumnMap) {
        self.init(input: .csv(reader), columns: columns)
    }

    package var header: [String] { columns.header }
    package var delimiter: UInt8 { reader.format.delimiter }
    /// How the input was written, for a report that gives rows back (`retry.csv`).
    package var format: InputFormat { reader.format }

    /// The next document, or nil when the file is done.
    package func next() throws(CSVFileError) -> PatchDocument? {
        while !finished {
            guard let result = try reader.next() else {
                finished = true
                break
            }
            let document: PatchDocument
            switch result {
            case .record(let record):
                if record.isBlank { continue }
                rowsRead += 1
                let row = RowPlan(record: record, columns: columns)
                // A row without a usable ID stands alone: it cannot belong to its neighbour.
                if !row.referralID.isEmpty, pending?.referralID == row.referralID {
                    pending!.absorb(row)
                    continue
                }
                document = PatchDocument(row: row, sequence: 0)
            case .malformed(let line, let reason):
                rowsRead += 1
                document = PatchDocument(
                    referralID: "", lines: line...line, ifMatch: nil, operations: [], sourceRows: [], sequence: 0,
                    problems: [InputProblem(line: line, reason: reason, hint: "quote the whole cell and double any quote inside it")])
            }
            if let ready = emit(replacingWith: document) { return ready }
        }
        return emit(replacingWith: nil)
    }

    /// Hands out the pending document (checked and numbered) and keeps `next` pending.
    /// (Both documents move, never copied: a copy retained every string and array in it.)
    private func emit(replacingWith next: consuming PatchDocument?) -> PatchDocument? {
        let ready = pending.take()
        pending = next
        guard var ready else { return nil }
        ready.sequence = nextSequence
        nextSequence += 1
        ready.checkStatusPair()
        return ready
    }
}

extension PatchDocument {
    init(row: consuming RowPlan, sequence: Int) {
        self.init(
            referralID: row.referralID, lines: row.record.line...row.record.endLine, ifMatch: row.ifMatch,
            operations: row.operations, sourceRows: [row.record.cells], sequence: sequence, problems: row.problems)
        if let typed = row.record.typed { sourceCellTypes = [typed.types] }
    }

    /// Adds the next row of the same referral.
    mutating func absorb(_ row: RowPlan) {
        lines = lines.lowerBound...row.record.endLine
        operations += row.operations
        sourceRows.append(row.record.cells)
        if let typed = row.record.typed { sourceCellTypes.append(typed.types) }
        problems += row.problems
        if let rowETag = row.ifMatch {
            if let ifMatch, ifMatch != rowETag {
                problems.append(
                    InputProblem(
                        line: row.record.line, value: rowETag,
                        reason: "this row asserts another eTag than line \(lines.lowerBound) for the same referral",
                        hint: "give one eTag per referral"))
            }
            ifMatch = rowETag
        }
    }

    /// A status and a substatus set together must belong together; whether
    /// the referral may move there is for preflight or the API to say.
    mutating func checkStatusPair() {
        let requested = ReferralState.requested(by: operations)
        guard let status = requested.status, let substatus = requested.substatus,
            let violation = ReferralState.pairViolation(status: status, substatus: substatus)
        else { return }
        problems.append(
            InputProblem(
                line: lines.lowerBound, value: "\(status.rawValue) / \(substatus.rawValue)", reason: violation.description))
    }
}
