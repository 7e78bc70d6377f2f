import Foundation
import ReferralModel
import ReferralPlan

/// Decides whether a referral (JSON, as GET returns it) matches a checked
/// filter. Text compares case-insensitively: status names and e-mail
/// addresses are matched whatever their case everywhere else in the API.
/// A missing or null property matches only `eq null` (and `ne` anything).
enum FilterEvaluator {
    static func matches(_ expression: FilterExpression, _ referral: JSONValue) -> Bool {
        matches(expression, referral, element: nil)
    }

    private static func matches(_ expression: FilterExpression, _ referral: JSONValue, element: (String, JSONValue)?) -> Bool {
        switch expression {
        case .and(let left, let right):
            return matches(left, referral, element: element) && matches(right, referral, element: element)
        case .or(let left, let right):
            return matches(left, referral, element: element) || matches(right, referral, element: element)
        case .any(let collection, let variable, let predicate):
            let items = value(at: collection.segments[...], in: referral)?.arrayValue ?? []
            return items.contains { matches(predicate, referral, element: (variable, $0)) }
        case .comparison(let path, let comparison, let literal):
            let found: JSONValue?
            if let (variable, item) = element, path.segments.first == variable {
                found = value(at: path.segments.dropFirst(), in: item)
            } else {
                found = value(at: path.segments[...], in: referral)
            }
            return compare(found, comparison, literal)
        }
    }

    static func value(at segments: ArraySlice<String>, in json: JSONValue) -> JSONValue? {
        var current = json
        for segment in segments {
            guard let next = current[segment] else { return nil }
            current = next
        }
        return current
    }

    static func compare(_ value: JSONValue?, _ comparison: ComparisonOperator, _ literal: FilterLiteral) -> Bool {
        let order: ComparisonResult?
        switch (value, literal) {
        case (nil, .null), (.null?, .null): order = .orderedSame
        case (_, .null), (nil, _), (.null?, _): order = nil
        case (.string(let text)?, .string(let wanted)):
            order = ordering(text.lowercased(), wanted.lowercased())
        case (.string(let text)?, .dateTime(let wanted)):
            order = (try? UTCDateTime.parse(text)).map { ordering($0.secondsSinceEpoch, wanted.secondsSinceEpoch) }
        case (.number(let number)?, .number(let wanted)):
            order = ordering(number, wanted)
        case (.string(let text)?, .number(let wanted)):
            order = DecimalText.parse(text).map { ordering($0, wanted) }
        default:
            order = nil
        }
        // Values that cannot be ordered are unequal, and neither above nor below.
        guard let order else { return comparison == .ne }
        switch comparison {
        case .eq: return order == .orderedSame
        case .ne: return order != .orderedSame
        case .gt: return order == .orderedDescending
        case .ge: return order != .orderedAscending
        case .lt: return order == .orderedAscending
        case .le: return order != .orderedDescending
        }
    }

    private static func ordering<T: Comparable>(_ left: T, _ right: T) -> ComparisonResult {
        left < right ? .orderedAscending : left == right ? .orderedSame : .orderedDescending
    }
}
