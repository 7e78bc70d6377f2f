/// A list request's OData options, checked: every refusal is a `FilterError`
/// (a `400`), decided before any referral is looked at.
struct ListQuery: Sendable {
    /// Pages are at most this long, whatever `$top` asks.
    static let maximumPageSize = 500

    var filter: FilterExpression?
    var order: ListOrder
    var pageSize: Int
    var skipToken: SkipToken?

    /// From the decoded query parameters (`$filter`, `$orderby`, `$top`, `$skiptoken`).
    init(parameters: [String: String]) throws(FilterError) {
        if let text = parameters["$filter"], !text.allSatisfy({ $0 == " " }) {
            let expression = try FilterGrammar.parse(text)
            try FilterProperties.check(expression)
            filter = expression
        }
        order = try parameters["$orderby"].map { text throws(FilterError) in try ListOrder(parsing: text) } ?? .default
        if let top = parameters["$top"] {
            guard let count = Int(top), count > 0 else { throw .badTop(String(top.prefix(32))) }
            pageSize = min(count, Self.maximumPageSize)
        } else {
            pageSize = Self.maximumPageSize
        }
        skipToken = try parameters["$skiptoken"].map { token throws(FilterError) in try SkipToken(decoding: token, for: order) }
    }
}
