import ReferralModel
import ReferralPlan

/// The `$filter` an export asks for: a filter given as is, and the
/// convenience options, each turned into one clause. Values are OData
/// string literals (a `'` doubled), so no value can end its literal and add
/// a clause of its own.
package struct ExportFilter: Sendable, Equatable {
    /// `--filter`: passed through, in parentheses so that its `or` stays inside.
    package var filter: String?
    package var status: ReferralStatus?
    package var substatus: ReferralSubstatus?
    package var updatedSince: UTCDateTime?
    package var country: String?
    package var teamEmail: String?

    package init() {}

    /// The clauses joined with `and`; nil when nothing is asked (every referral).
    package var odata: String? {
        var clauses: [String] = []
        if let filter, !filter.allSatisfy(\.isWhitespace) { clauses.append("(\(filter))") }
        if let status { clauses.append("status eq \(Self.quoted(status.rawValue))") }
        if let substatus { clauses.append("substatus eq \(Self.quoted(substatus.rawValue))") }
        if let updatedSince { clauses.append("updatedDateTime ge \(updatedSince)") }
        if let country { clauses.append("customerProfile/address/country eq \(Self.quoted(country))") }
        if let teamEmail { clauses.append("team/any(t:t/email eq \(Self.quoted(teamEmail)))") }
        return clauses.isEmpty ? nil : clauses.joined(separator: " and ")
    }

    /// `O'Brien` → `'O''Brien'`
    package static func quoted(_ value: String) -> String {
        "'" + value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
}
