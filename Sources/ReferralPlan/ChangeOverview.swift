import ReferralInput
import ReferralModel

/// What a file asks, in a few numbers, before anything is sent: how many
/// referrals and which fields, and above all what cannot be taken back
/// (referrals to be Closed, team members to be added). `apply` shows it on
/// a terminal and asks before sending.
package struct ChangeOverview: Sendable, Equatable {
    package var documents = 0
    package var invalidDocuments = 0
    /// Referrals the valid documents touch (an ID counted once).
    package var referrals = 0
    /// Valid documents changing each field, by path.
    package var fields: [String: Int] = [:]
    package var irreversible = IrreversibleChanges()
    /// The first problems found (at most `listedProblems`), for `--strict`.
    package var problems: [InputProblem] = []
    package static let listedProblems = 1000

    package init() {}

    /// Plans the whole file once.
    package static func of(_ planner: Planner) throws(CSVFileError) -> ChangeOverview {
        var overview = ChangeOverview()
        var referrals = Set<String>()
        while let document = try planner.next() {
            overview.documents += 1
            guard document.isValid else {
                overview.invalidDocuments += 1
                overview.problems += document.problems.prefix(listedProblems - overview.problems.count)
                continue
            }
            referrals.insert(document.referralID)
            for path in Set(document.operations.map(\.path.description)) { overview.fields[path, default: 0] += 1 }
            overview.irreversible += IrreversibleChanges(document.operations)
        }
        overview.referrals = referrals.count
        return overview
    }

    /// A few lines for a person; `bold` wraps what cannot be undone.
    package func lines(bold: (String) -> String = { $0 }) -> [String] {
        var lines = ["\(documents) document(s) for \(referrals) referral(s)"]
        if invalidDocuments > 0 { lines[0] += "; \(invalidDocuments) with problems will not be sent" }
        let changes = fields.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) \($0.value)" }
        if !changes.isEmpty { lines.append("fields: " + changes.joined(separator: ", ")) }
        if !irreversible.isEmpty { lines.append(bold("cannot be undone: \(irreversible)")) }
        return lines
    }
}

/// Changes this API gives no way back from: a Closed referral takes no
/// further update, and a team member once added cannot be removed.
package struct IrreversibleChanges: Sendable, Equatable, CustomStringConvertible {
    package var referralsClosed = 0
    package var teamMembersAdded = 0

    package init(referralsClosed: Int = 0, teamMembersAdded: Int = 0) {
        self.referralsClosed = referralsClosed
        self.teamMembersAdded = teamMembersAdded
    }

    /// What one document's operations would do.
    package init(_ operations: [PatchOperation]) {
        referralsClosed = operations.contains { $0.path == .status && $0.value == "Closed" } ? 1 : 0
        teamMembersAdded = operations.count { $0.op == .add && $0.path == FieldCatalog.teamMember.path }
    }

    package var isEmpty: Bool { referralsClosed == 0 && teamMembersAdded == 0 }

    /// `2 referral(s) closed, 3 team member(s) added`
    package var description: String {
        var parts: [String] = []
        if referralsClosed > 0 { parts.append("\(referralsClosed) referral(s) closed") }
        if teamMembersAdded > 0 { parts.append("\(teamMembersAdded) team member(s) added") }
        return parts.joined(separator: ", ")
    }

    package static func += (lhs: inout IrreversibleChanges, rhs: IrreversibleChanges) {
        lhs.referralsClosed += rhs.referralsClosed
        lhs.teamMembersAdded += rhs.teamMembersAdded
    }
}
