import Foundation

/// What a document still has to do to a referral as it is now: the pure
/// half of preflight. Fields already as asked are dropped, a team member
/// whose e-mail is on the team is not added again, the status change is
/// checked against where the referral is, and the before-values are kept
/// for undo.
public enum Preflight {
    public enum Decision: Sendable, Equatable {
        /// Send these operations; `before` holds what they replace.
        case send([PatchOperation], before: [Outcome.BeforeValue])
        /// Everything is already as asked.
        case unchanged
        case invalidTransition(TransitionViolation)
    }

    static let teamAppend = JSONPointer(tokens: ["team", "-"])

    public static func decide(_ operations: [PatchOperation], against referral: JSONValue) -> Decision {
        var kept: [PatchOperation] = []
        var before: [Outcome.BeforeValue] = []
        var emails = Set((referral["team"]?.arrayValue ?? []).compactMap { $0["email"]?.stringValue?.lowercased() })
        for operation in operations {
            if operation.op == .add, operation.path == teamAppend {
                guard let email = operation.value["email"]?.stringValue?.lowercased(), !emails.contains(email) else { continue }
                emails.insert(email)
                kept.append(operation)
                before.append(Outcome.BeforeValue(path: operation.path, value: nil))
                continue
            }
            let current = referral.value(at: operation.path)
            if let current, sameValue(current, operation.value) { continue }
            kept.append(operation)
            before.append(Outcome.BeforeValue(path: operation.path, value: current))
        }
        guard !kept.isEmpty else { return .unchanged }
        if let violation = transitionViolation(kept, referral: referral) { return .invalidTransition(violation) }
        return .send(kept, before: before)
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
