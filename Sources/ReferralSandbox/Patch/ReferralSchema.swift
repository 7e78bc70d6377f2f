import Foundation
import ReferralModel

/// The API's rules for what a patch may do to a referral: read-only members,
/// the types of known fields, and the status/substatus transitions.
enum ReferralSchema {
    /// A refusal, with the stable error code the API answers with.
    enum Violation: Error, Sendable, Equatable, CustomStringConvertible {
        case replacesWholeReferral
        case readOnlyMember(String)
        case notAnObject
        case detailsNotAnObject
        case invalidDealValue
        case invalidCurrency
        case invalidClosingDateTime
        case teamNotAnArray
        case teamMemberWithoutEmail
        /// The status or substatus value the referral would hold.
        case unknownStatus(JSONValue)
        case unknownSubstatus(JSONValue)
        case transition(TransitionViolation)

        var code: String {
            switch self {
            case .replacesWholeReferral, .readOnlyMember: "ReadOnlyField"
            case .transition(let violation): violation.code
            default: "InvalidField"
            }
        }

        var description: String {
            switch self {
            case .replacesWholeReferral: "a patch cannot replace the whole referral"
            case .readOnlyMember(let name): "\"\(name)\" is read-only"
            case .notAnObject: "a referral must be an object"
            case .detailsNotAnObject: "details must be an object"
            case .invalidDealValue: "details.dealValue must be a non-negative number"
            case .invalidCurrency: "details.currency must be three upper-case letters"
            case .invalidClosingDateTime: "details.closingDateTime must be a UTC date-time"
            case .teamNotAnArray: "team must be an array"
            case .teamMemberWithoutEmail: "every team member needs an e-mail"
            case .unknownStatus(let value): "unknown status \(value)"
            case .unknownSubstatus(let value): "unknown substatus \(value)"
            case .transition(let violation): violation.description
            }
        }
    }

    static let readOnlyMembers: Set<String> = [
        "id", "eTag", "engagementId", "createdDateTime", "updatedDateTime", "organizationId", "organizationName",
    ]

    /// Refuses operations that touch read-only members.
    static func checkWritable(_ operations: [PatchOperation]) throws(Violation) {
        for operation in operations {
            guard let first = operation.path.tokens.first else {
                throw .replacesWholeReferral
            }
            if readOnlyMembers.contains(first) {
                throw .readOnlyMember(first)
            }
        }
    }

    /// Checks and normalises the patched referral (a numeric-string deal
    /// value becomes a number), given the referral before the patch.
    static func validate(patched: JSONValue, before: JSONValue) throws(Violation) -> JSONValue {
        guard case .object(var referral) = patched else {
            throw .notAnObject
        }
        if case .object(var details)? = referral["details"] {
            if let value = details["dealValue"] {
                details["dealValue"] = try dealValue(value)
            }
            if let currency = details["currency"], currency != .null {
                guard case .string(let code) = currency, code.count == 3, code.allSatisfy({ $0.isASCII && $0.isUppercase })
                else { throw .invalidCurrency }
            }
            if let closing = details["closingDateTime"], closing != .null {
                guard case .string(let text) = closing, isUTCDateTime(text) else {
                    throw .invalidClosingDateTime
                }
            }
            referral["details"] = .object(details)
        } else if let details = referral["details"], details != .null {
            throw .detailsNotAnObject
        }
        if let team = referral["team"] {
            guard case .array(let members) = team else { throw .teamNotAnArray }
            for member in members {
                guard case .string(let email)? = member["email"], email.contains("@") else {
                    throw .teamMemberWithoutEmail
                }
            }
        }
        try checkTransition(from: before, to: .object(referral))
        return .object(referral)
    }

    static func dealValue(_ value: JSONValue) throws(Violation) -> JSONValue {
        switch value {
        case .number(let number) where number >= 0: return value
        case .string(let text):
            if let number = DecimalText.parse(text), number >= 0, text.allSatisfy({ $0.isNumber || $0 == "." }) {
                return .number(number)
            }
        case .null: return value
        default: break
        }
        throw .invalidDealValue
    }

    static func checkTransition(from before: JSONValue, to after: JSONValue) throws(Violation) {
        func status(_ value: JSONValue?) throws(Violation) -> ReferralStatus? {
            guard let value, value != .null else { return nil }
            guard case .string(let name) = value, let status = ReferralStatus(rawValue: name) else {
                throw .unknownStatus(value)
            }
            return status
        }
        func substatus(_ value: JSONValue?) throws(Violation) -> ReferralSubstatus? {
            guard let value, value != .null else { return nil }
            guard case .string(let name) = value, let substatus = ReferralSubstatus(rawValue: name) else {
                throw .unknownSubstatus(value)
            }
            return substatus
        }
        let newStatus = try status(after["status"])
        let newSubstatus = try substatus(after["substatus"])
        guard let currentStatus = try status(before["status"]) else { return }
        let current = ReferralState(status: currentStatus, substatus: try substatus(before["substatus"]))
        if let violation = current.violation(newStatus: newStatus, newSubstatus: newSubstatus) {
            throw .transition(violation)
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS(.fff)Z`.
    static func isUTCDateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return false }
        let pattern = Array("dddd-dd-ddTdd:dd:dd".utf8)
        for (offset, expected) in pattern.enumerated() {
            let byte = bytes[offset]
            if expected == UInt8(ascii: "d") {
                guard (48...57).contains(byte) else { return false }
            } else if byte != expected {
                return false
            }
        }
        return true
    }
}
