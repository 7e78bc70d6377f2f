/// `$orderby`: the date the list is sorted by, and which way. Ties (many
/// referrals share a date) are broken by ID, so the order is total and a
/// `$skiptoken` names one exact place in it.
struct ListOrder: Sendable, Hashable {
    enum Field: String, Sendable, CaseIterable {
        case createdDateTime, updatedDateTime
    }

    var field: Field
    var descending: Bool

    static let `default` = ListOrder(field: .createdDateTime, descending: false)

    /// `createdDateTime`, `updatedDateTime desc`, `createdDateTime asc`.
    init(parsing text: String) throws(FilterError) {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(words.count), let field = Field(rawValue: String(words[0])) else {
            throw .unsupportedOrderBy(String(text.prefix(64)))
        }
        switch words.count == 2 ? words[1].lowercased() : "asc" {
        case "asc": descending = false
        case "desc": descending = true
        default: throw .unsupportedOrderBy(String(text.prefix(64)))
        }
        self.field = field
    }

    init(field: Field, descending: Bool) {
        self.field = field
        self.descending = descending
    }
}

/// Where a referral stands in a `ListOrder`: its date, then its ID.
struct ListPosition: Sendable, Hashable, Comparable {
    var seconds: Int64
    var id: String

    static func < (lhs: ListPosition, rhs: ListPosition) -> Bool {
        (lhs.seconds, lhs.id) < (rhs.seconds, rhs.id)
    }
}
