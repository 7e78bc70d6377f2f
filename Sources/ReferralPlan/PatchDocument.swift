import ReferralInput
import ReferralModel

/// The unit of work: every change the input asks of one referral, from one
/// run of adjacent rows with the same ID, as one JSON Patch document.
///
/// It carries its source rows so that a report can hand them back unchanged
/// (`retry.csv`) when the document is not applied.
package struct PatchDocument: Sendable, Hashable {
    /// The referral's ID exactly as the input gave it (trimmed); the sender
    /// percent-encodes it into the request path.
    package var referralID: String
    /// The physical lines of the input this document came from (first...last).
    package var lines: ClosedRange<Int>
    /// An `If-Match` value the input asserted (an `eTag` column), else nil.
    package var ifMatch: String?
    package var operations: [PatchOperation]
    /// The input rows as read (cells in the input's column order).
    package var sourceRows: [[String]]
    /// For a workbook's rows, each source cell's type (`retry.xlsx` writes the cells back as typed); empty for CSV.
    package var sourceCellTypes: [[CellType]] = []
    /// Position of this document in the input (0, 1, 2, ...): its identity
    /// within one run, independent of the ID (the same ID may come twice).
    package var sequence: Int
    /// What is wrong with the rows, if anything. A document with problems is
    /// never sent: it is reported `invalid_input` as a whole.
    package var problems: [InputProblem]

    package init(
        referralID: String, lines: ClosedRange<Int>, ifMatch: String?, operations: [PatchOperation],
        sourceRows: [[String]], sequence: Int, problems: [InputProblem] = []
    ) {
        self.referralID = referralID
        self.lines = lines
        self.ifMatch = ifMatch
        self.operations = operations
        self.sourceRows = sourceRows
        self.sequence = sequence
        self.problems = problems
    }

    package var isValid: Bool { problems.isEmpty }

    /// `7`, or `7-9` for a document of several rows, as reports name it.
    package var lineText: String { lines.count == 1 ? "\(lines.lowerBound)" : "\(lines.lowerBound)-\(lines.upperBound)" }

    /// The line `plan` prints: `{"id", "ifMatch", "lines": [first, last], "patch"}`
    /// (keys sorted, as everywhere the tool writes JSON).
    package func planLine(pretty: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(128 + operations.count * 96)
        writePlanLine(into: &output, pretty: pretty)
        return output
    }

    /// Appends `planLine` to `output`: `plan` writes a batch into one buffer.
    package func writePlanLine(into output: inout [UInt8], pretty: Bool = false) {
        output.append(UInt8(ascii: "{"))
        JSONWriter.writeKey("id", index: 0, into: &output, pretty: pretty, depth: 1)
        JSONWriter.writeString(referralID, into: &output)
        JSONWriter.writeKey("ifMatch", index: 1, into: &output, pretty: pretty, depth: 1)
        JSONWriter.write(ifMatch.map(JSONValue.string) ?? .null, into: &output, pretty: pretty, depth: 1)
        JSONWriter.writeKey("lines", index: 2, into: &output, pretty: pretty, depth: 1)
        JSONWriter.writeArray(count: 2, into: &output, pretty: pretty, depth: 1) { index, output in
            output.append(contentsOf: String(index == 0 ? lines.lowerBound : lines.upperBound).utf8)
        }
        JSONWriter.writeKey("patch", index: 3, into: &output, pretty: pretty, depth: 1)
        JSONWriter.writeArray(count: operations.count, into: &output, pretty: pretty, depth: 1) { index, output in
            operations[index].write(into: &output, pretty: pretty, depth: 2)
        }
        JSONWriter.closeObject(count: 4, into: &output, pretty: pretty, depth: 0)
    }
}
