import Foundation
import ReferralPlan

/// A parsed `$filter`: what `FilterGrammar` reads and `FilterEvaluator`
/// checks referrals against. Paths are property names joined by `/`, as
/// OData writes them (`customerProfile/address/country`).
indirect enum FilterExpression: Sendable, Equatable {
    case comparison(FilterPath, ComparisonOperator, FilterLiteral)
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    /// `team/any(t:t/email eq '...')`: true when some element of the
    /// collection makes `predicate` true, with `variable` naming the element.
    case any(collection: FilterPath, variable: String, predicate: FilterExpression)
}

/// `status`, `customerProfile/address/country`, `t/email`.
struct FilterPath: Sendable, Equatable, CustomStringConvertible {
    var segments: [String]

    var description: String { segments.joined(separator: "/") }
}

enum ComparisonOperator: String, Sendable, CaseIterable {
    case eq, ne, ge, le, gt, lt
}

/// A literal on the right of a comparison.
enum FilterLiteral: Sendable, Equatable {
    case string(String)
    case dateTime(UTCDateTime)
    case number(Decimal)
    case bool(Bool)
    case null
}
