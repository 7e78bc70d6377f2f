import Foundation
import ReferralInput
import ReferralModel
import ReferralPlan

/// A column of an export: Partner Center's export header, and how a
/// referral's JSON becomes its cell so that `apply` reads the cell back as
/// the same value (dates `YYYY-MM-DDTHH:MM:SSZ`, numbers plain, team members
/// "First, Last, Phone, Email"). A missing or null field is an empty cell,
/// which `apply` reads as "no change".
package enum ExportColumn: Sendable, Hashable {
    case referralID, dealName, status, substatus, dealValue, currency, closingDate, crmID, notes
    /// `Team member N` (1-based).
    case teamMember(Int)
    case eTag
    /// Read-only columns `apply` ignores: for the person reading the file.
    case engagementID, customerName, customerCountry, createdDate, updatedDate

    /// Partner Center's export allows 50 team members per referral.
    package static let teamMemberColumns = 50

    /// What `export` writes without `--columns`: every column `apply` maps, then `eTag`.
    package static let standard: [ExportColumn] =
        [.referralID, .dealName, .status, .substatus, .dealValue, .currency, .closingDate, .crmID, .notes]
        + (1...teamMemberColumns).map(ExportColumn.teamMember) + [.eTag]

    static let named: [ExportColumn] =
        [.referralID, .dealName, .status, .substatus, .dealValue, .currency, .closingDate, .crmID, .notes, .eTag]
        + [.engagementID, .customerName, .customerCountry, .createdDate, .updatedDate]

    package var header: String {
        switch self {
        case .referralID: "Referral ID"
        case .dealName: "Deal Name"
        case .status: "Partner Referral Status"
        case .substatus: "Partner Referral Substatus"
        case .dealValue: "Estimated Deal Value"
        case .currency: "Currency"
        case .closingDate: "Estimated Closing Date"
        case .crmID: "CRM ID"
        case .notes: "Notes"
        case .teamMember(let number): "Team member \(number)"
        case .eTag: "eTag"
        case .engagementID: "Engagement ID"
        case .customerName: "Customer Name"
        case .customerCountry: "Customer Country"
        case .createdDate: "Created Date"
        case .updatedDate: "Updated Date"
        }
    }

    /// `--columns`: headers separated by commas, matched as `apply` matches
    /// headers (case, spaces, `_` and `-` ignored). The ID column is required:
    /// without it the file cannot be applied.
    package static func list(parsing text: String) throws(ExportError) -> [ExportColumn] {
        var columns: [ExportColumn] = []
        for name in text.split(separator: ",") {
            let folded = FieldCatalog.fold(String(name))
            let column: ExportColumn?
            if FieldCatalog.isTeamMemberColumn(folded), let number = Int(folded.dropFirst("teammember".count)) {
                column = .teamMember(number)
            } else {
                column = named.first { FieldCatalog.fold($0.header) == folded }
            }
            guard let column else {
                throw .badColumns("unknown column \"\(name.trimmingSpaces)\"; known: \(named.map(\.header).joined(separator: ", ")), Team member 1..\(teamMemberColumns)")
            }
            guard !columns.contains(column) else { throw .badColumns("the column \"\(column.header)\" is named twice") }
            columns.append(column)
        }
        guard columns.contains(.referralID) else { throw .badColumns("the columns must include \"Referral ID\"") }
        return columns
    }

    /// The cell for this referral.
    package func cell(_ referral: JSONValue) -> String {
        switch self {
        case .referralID: Self.text(referral["id"])
        case .dealName: Self.text(referral["name"])
        case .status: Self.text(referral["status"])
        case .substatus: Self.text(referral["substatus"])
        case .dealValue: Self.number(referral["details"]?["dealValue"])
        case .currency: Self.text(referral["details"]?["currency"])
        case .closingDate: Self.date(referral["details"]?["closingDateTime"])
        case .crmID: Self.text(referral["externalReferenceId"])
        case .notes: Self.text(referral["details"]?["notes"])
        case .teamMember(let number): Self.member(referral["team"]?.arrayValue?.dropFirst(number - 1).first)
        case .eTag: Self.text(referral["eTag"])
        case .engagementID: Self.text(referral["engagementId"])
        case .customerName: Self.text(referral["customerProfile"]?["name"])
        case .customerCountry: Self.text(referral["customerProfile"]?["address"]?["country"])
        case .createdDate: Self.date(referral["createdDateTime"])
        case .updatedDate: Self.date(referral["updatedDateTime"])
        }
    }

    /// The typed cell for this referral in a workbook: deal values as
    /// numbers, dates as date cells, everything else as text (what `cell`
    /// would write, so a workbook export and a CSV export read back alike).
    package func sheetCell(_ referral: JSONValue) -> SheetCell {
        let text = cell(referral)
        guard !text.isEmpty else { return .empty }
        switch self {
        case .dealValue where DecimalText.parse(text) != nil:
            return .number(text)
        case .closingDate, .createdDate, .updatedDate:
            guard let date = try? UTCDateTime.parse(text) else { return .text(text) }
            return .dateTime(secondsSinceEpoch: date.secondsSinceEpoch)
        default:
            return .text(text)
        }
    }

    private static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: text
        case .number(let number)?: JSONWriter.numberText(number)
        case .bool(let flag)?: flag ? "true" : "false"
        default: ""
        }
    }

    /// `12919.5`, never `12,919.50` or `1.29195E4`; a numeric string the same way.
    private static func number(_ value: JSONValue?) -> String {
        if case .string(let text)? = value, let number = DecimalText.parse(text) { return JSONWriter.numberText(number) }
        return Self.text(value)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, the form `apply` sends, so an unedited date is `unchanged`.
    private static func date(_ value: JSONValue?) -> String {
        guard case .string(let text)? = value, let date = try? UTCDateTime.parse(text) else { return Self.text(value) }
        return date.description
    }

    /// "First, Last, Phone, Email", as Partner Center's export writes a member.
    private static func member(_ value: JSONValue?) -> String {
        guard let value, value["email"] != nil else { return "" }
        return [value["firstName"], value["lastName"], value["phoneNumber"], value["email"]].map(Self.text).joined(separator: ", ")
    }
}
