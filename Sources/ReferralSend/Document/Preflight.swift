import Foundation
import ReferralModel
import ReferralOutcome

/// What a document still has to do to a referral as it is now: the pure
/// half of preflight. Fields already as asked are dropped, a team member
/// whose e-mail is on the team is not added again, the status change is
/// checked against where the referral is, and the before-values are kept
/// for undo.
package enum Preflight {
    package enum Decision: Sendable, Equatable {
        /// Send these operations; `before` holds what they replace.
        case send([PatchOperation], before: [Outcome.BeforeValue])
        /// Everything is already as asked.
        case unchanged
        case invalidTransition(TransitionViolation)
    }

    static let teamAppend = JSONPointer(tokens: ["team", "-"])

    /// Each operation against `referral`: a field already as asked, or a team
    /// member whose e-mail is on the team (or added earlier in the same
    /// document), changes nothing.
    package static func check(_ operations: [PatchOperation], against referral: JSONValue) -> [FieldCheck] {
        let team = referral["team"]?.arrayValue ?? []
        var emails = Set(team.compactMap { $0["email"]?.stringValue?.lowercased() })
        return operations.map { operation in
            if operation.op == .add, operation.path == teamAppend {
                guard let email = operation.value["email"]?.stringValue?.lowercased() else {
                    return FieldCheck(operation: operation, current: nil, changes: false)
                }
                let existing = team.first { $0["email"]?.stringValue?.lowercased() == email }
                return FieldCheck(operation: operation, current: existing, changes: emails.insert(email).inserted)
            }
            let current = referral.value(at: operation.path)
            return FieldCheck(operation: operation, current: current, changes: !(current.map { sameValue($0, operation.value) } ?? false))
        }
    }

    package static func decide(_ operations: [PatchOperation], against referral: JSONValue) -> Decision {
        let kept = check(operations, against: referral).filter(\.changes)
        guard !kept.isEmpty else { return .unchanged }
        let operations = kept.map(\.operation)
        if let violation = transitionViolation(operations, referral: referral) { return .invalidTransition(violation) }
        // An added team member replaces nothing: undo lists it as a warning.
        let before = kept.map { Outcome.BeforeValue(path: $0.operation.path, value: $0.operation.path == teamAppend ? nil : $0.current) }
        return .send(operations, before: before)
    }

    static func transitionViolation(_ operations: [PatchOperation], referral: JSONValue) -> TransitionViolation? {
        guard let name = referral["status"]?.stringValue, let status = ReferralStatus(name: name) else { return nil }
        let current = ReferralState(status: status, substatus: referral["substatus"]?.stringValue.flatMap(ReferralSubstatus.init(name:)))
        let requested = ReferralState.requested(by: operations)
        return current.violation(newStatus: requested.status, newSubstatus: requested.substatus)
    }

    /// JSON equality, except that a numeric string and a number with the
    /// same value are the same deal value (the API stores one as the other).
    static func sameValue(_ current: JSONValue, _ target: JSONValue) -> Bool {
        switch (current, target) {
        case (.number(let number), .string(let text)), (.string(let text), .number(let number)):
            return DecimalText.parse(text) == number
        default:
            return current == target
        }
    }
}
