/// The properties a `$filter` may name, with the kind of literal each is
/// compared with. Anything else is refused with a `400`, as an API refuses
/// a filter it does not index, rather than silently matching nothing.
enum FilterProperties {
    enum Kind: Sendable {
        case text, dateTime, number

        var literalName: String {
            switch self {
            case .text: "a quoted string such as 'Active'"
            case .dateTime: "a date-time such as 2026-03-01T00:00:00Z"
            case .number: "a number such as 10000"
            }
        }
    }

    static let referral: [String: Kind] = [
        "id": .text, "engagementId": .text, "name": .text, "externalReferenceId": .text, "status": .text,
        "substatus": .text, "statusReason": .text, "type": .text, "direction": .text, "qualification": .text,
        "customerProfile/name": .text, "customerProfile/address/country": .text, "details/currency": .text,
        "details/dealValue": .number, "details/closingDateTime": .dateTime, "createdDateTime": .dateTime,
        "updatedDateTime": .dateTime,
    ]

    /// Collections `any()` may range over, and their elements' properties.
    static let collections: [String: [String: Kind]] = [
        "team": ["email": .text, "firstName": .text, "lastName": .text, "phoneNumber": .text]
    ]

    /// Refuses a filter that names an unknown property or compares one with the wrong kind of literal.
    static func check(_ expression: FilterExpression, element: (variable: String, properties: [String: Kind])? = nil)
        throws(FilterError)
    {
        switch expression {
        case .and(let left, let right), .or(let left, let right):
            try check(left, element: element)
            try check(right, element: element)
        case .any(let collection, let variable, let predicate):
            // any() ranges over the referral's own collections only (no nesting).
            guard element == nil, let properties = collections[collection.description] else {
                throw .unsupportedProperty(collection.description)
            }
            try check(predicate, element: (variable, properties))
        case .comparison(let path, _, let literal):
            let kind: Kind?
            if let element, path.segments.first == element.variable {
                kind = element.properties[path.segments.dropFirst().joined(separator: "/")]
            } else {
                kind = referral[path.description]
            }
            guard let kind else { throw .unsupportedProperty(path.description) }
            switch (kind, literal) {
            case (_, .null), (.text, .string), (.dateTime, .dateTime), (.number, .number): break
            default: throw .typeMismatch(property: path.description, expected: "\(literal.kindName); compare it with \(kind.literalName)")
            }
        }
    }
}

extension FilterLiteral {
    var kindName: String {
        switch self {
        case .string: "a string"
        case .dateTime: "a date-time"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}
