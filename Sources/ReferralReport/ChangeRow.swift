import ReferralModel
import ReferralPlan
import ReferralOutcome

/// One field a dry run looked at, as `changes.csv` and the report page list
/// it: what the referral holds, what the file asks, and what a real run
/// would do with it.
package struct ChangeRow: Sendable, Equatable {
    package var referralID: String
    package var lines: String
    package var path: String
    package var before: String
    package var after: String
    /// `update`, `unchanged`, or the document's outcome (`invalid_transition`, `conflict`, ...).
    package var outcome: String
    /// A change this API gives no way back from (status → Closed, a team member added).
    package var irreversible: Bool
    package var message: String

    package static let header = ["referral_id", "lines", "path", "before", "after", "outcome", "message"]

    package var cells: [String] { [referralID, lines, path, before, after, outcome, message] }

    /// One row per operation of the document: a field already as asked is
    /// `unchanged` whatever the document's fate; a document that was not
    /// read (not found, invalid input, failed) lists what it asked with no
    /// before-value, or one row without a path when it asked nothing.
    package static func rows(for outcome: Outcome) -> [ChangeRow] {
        let document = outcome.document
        let documentOutcome = outcome.kind == .wouldUpdate ? "update" : outcome.kind.rawValue
        func row(_ operation: PatchOperation?, before: JSONValue?, changes: Bool) -> ChangeRow {
            ChangeRow(
                referralID: document.referralID, lines: document.lineText, path: operation?.path.description ?? "",
                before: before.map(ReportWriter.undoCell) ?? "", after: operation.map { ReportWriter.undoCell($0.value) } ?? "",
                outcome: changes ? documentOutcome : Outcome.Kind.unchanged.rawValue,
                irreversible: changes && operation.map { !IrreversibleChanges([$0]).isEmpty } ?? false,
                message: changes ? outcome.message : "")
        }
        if let preview = outcome.preview {
            return preview.map { row($0.operation, before: $0.current, changes: $0.changes) }
        }
        guard !document.operations.isEmpty else { return [row(nil, before: nil, changes: true)] }
        return document.operations.map { row($0, before: nil, changes: true) }
    }
}
