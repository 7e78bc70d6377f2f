/// Why a `$filter` (or another list option) was refused: each case becomes
/// a `400` whose description says what to change.
enum FilterError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLong(length: Int, limit: Int)
    case tooDeep(limit: Int)
    /// The grammar did not match; `detail` is the parser's account (with the position).
    case malformed(detail: String)
    case unsupportedFunction(String)
    case unsupportedProperty(String)
    case badLiteral(String)
    /// A literal of the wrong kind for the property (a string compared with a date, ...).
    case typeMismatch(property: String, expected: String)
    case unsupportedOrderBy(String)
    case badTop(String)
    case badSkipToken

    var code: String {
        switch self {
        case .unsupportedOrderBy, .badTop, .badSkipToken: "InvalidQueryOption"
        case .unsupportedFunction, .unsupportedProperty: "UnsupportedFilter"
        default: "InvalidFilter"
        }
    }

    var description: String {
        switch self {
        case .tooLong(let length, let limit): "the $filter is \(length) characters long; at most \(limit) are accepted"
        case .tooDeep(let limit): "the $filter nests parentheses or any() more than \(limit) levels deep"
        case .malformed(let detail): "the $filter is malformed: \(detail)"
        case .unsupportedFunction(let name): "the function '\(name)' is not supported in $filter (only any() on team)"
        case .unsupportedProperty(let path): "the property '\(path)' cannot be filtered on"
        case .badLiteral(let text):
            "'\(text)' is not a literal: quote text as 'text' (a ' inside doubled as ''), write dates as 2026-03-01T00:00:00Z"
        case .typeMismatch(let property, let expected): "'\(property)' is compared with \(expected)"
        case .unsupportedOrderBy(let text): "$orderby '\(text)' is not supported: use createdDateTime or updatedDateTime, then asc or desc"
        case .badTop(let text): "$top '\(text)' is not a positive whole number"
        case .badSkipToken: "the $skiptoken is not one this service issued for this $orderby; start again without it"
        }
    }
}
