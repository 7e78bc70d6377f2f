import ReferralModel

/// The fields a wide-layout column can name, by friendly name or by Partner
/// Center's export header, and the columns an export carries that are not
/// fields (ignored). Names match case-, space-, `_`- and `-`-insensitively.
package enum FieldCatalog {
    /// A field a column can set.
    package struct Field: Sendable, Hashable {
        package let name: String
        package let aliases: [String]
        package let op: PatchOperation.Kind
        package let path: JSONPointer
        package let kind: ValueKind
    }

    package static let fields: [Field] = [
        Field(name: "dealValue", aliases: ["Estimated Deal Value"], op: .replace, path: pointer("details", "dealValue"), kind: .decimal),
        Field(name: "currency", aliases: [], op: .replace, path: pointer("details", "currency"), kind: .currency),
        Field(
            name: "closingDateTime", aliases: ["closingDate", "Estimated Closing Date"], op: .replace,
            path: pointer("details", "closingDateTime"), kind: .dateTime),
        Field(name: "notes", aliases: [], op: .replace, path: pointer("details", "notes"), kind: .text(verbatim: true)),
        Field(name: "status", aliases: ["Partner Referral Status"], op: .replace, path: pointer("status"), kind: .status),
        Field(
            name: "substatus", aliases: ["Partner Referral Substatus"], op: .replace, path: pointer("substatus"),
            kind: .substatus),
        Field(name: "statusReason", aliases: [], op: .replace, path: pointer("statusReason"), kind: .text(verbatim: false)),
        Field(name: "name", aliases: ["Deal Name"], op: .replace, path: pointer("name"), kind: .text(verbatim: false)),
        Field(
            name: "externalReferenceId", aliases: ["CRM ID"], op: .replace, path: pointer("externalReferenceId"),
            kind: .text(verbatim: false)),
        teamMember,
    ]

    /// `addTeamMember`, and Partner Center's `Team member 1` … `Team member 50`.
    package static let teamMember = Field(
        name: "addTeamMember", aliases: [], op: .add, path: pointer("team", "-"), kind: .teamMember)

    package static let idNames = ["id", "referralId", "Referral ID"]
    package static let ifMatchNames = ["eTag", "If-Match"]
    package static let longLayoutNames = ["op", "path", "value"]

    /// Columns of Partner Center's export (and the API's read-only fields) that
    /// carry no change: an edited export applies as it is.
    package static let readOnlyNames = [
        "Engagement ID", "Microsoft Referral Status", "Microsoft Referral Substatus", "Errors", "Customer Name",
        "Customer Country", "Customer State", "Customer City", "Customer Address", "Customer Postal Code",
        "Customer Contact", "Customer Contact Email", "Customer Contact Phone", "Customer Size", "Created Date",
        "Updated Date", "Referral Type", "Type", "Qualification", "Direction", "Referral Source", "Organization Name",
        "Solutions", "Products", "Industry", "engagementId", "organizationId", "organizationName", "createdDateTime",
        "updatedDateTime", "customerProfile", "inviteContext", "consent", "target", "expirationDateTime",
    ]

    /// Top-level members the API never lets a patch change.
    package static let readOnlyMembers: Set<String> = [
        "id", "eTag", "engagementId", "createdDateTime", "updatedDateTime", "organizationId", "organizationName",
    ]

    /// The fold used to compare header names: lower case, without spaces, `_` or `-`.
    package static func fold(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "_" && $0 != "-" })
    }

    static let fieldsByFoldedName: [String: Field] = {
        var table: [String: Field] = [:]
        for field in fields { for name in [field.name] + field.aliases { table[fold(name)] = field } }
        return table
    }()

    static let fieldsByPath: [JSONPointer: Field] = Dictionary(
        fields.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })

    static let foldedIDNames = Set(idNames.map(fold))
    static let foldedIfMatchNames = Set(ifMatchNames.map(fold))
    static let foldedReadOnlyNames = Set(readOnlyNames.map(fold))

    /// Every name a user could have meant, for "did you mean" suggestions.
    static let suggestibleNames: [String] =
        idNames + ifMatchNames + fields.flatMap { [$0.name] + $0.aliases } + ["Team member 1"]

    /// `Team member 7` and the like.
    package static func isTeamMemberColumn(_ folded: String) -> Bool {
        guard folded.hasPrefix("teammember") else { return false }
        let number = folded.dropFirst("teammember".count)
        guard let index = Int(number), String(index) == number else { return false }
        return (1...50).contains(index)
    }

    private static func pointer(_ tokens: String...) -> JSONPointer { JSONPointer(tokens: tokens) }
}
