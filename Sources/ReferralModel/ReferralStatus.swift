/// The status of a referral and the transitions Partner Center allows.
///
/// One table, used by the planner (is this status/substatus pair possible at
/// all), the sender's preflight (may this referral move there from where it
/// is) and the sandbox (refuse what the real API refuses).
package enum ReferralStatus: String, Sendable, CaseIterable, NamedCase {
    case new = "New"
    case active = "Active"
    case closed = "Closed"

    /// The statuses a referral in this status may be moved to (itself included).
    /// Closed is terminal: a closed referral takes no update of any field.
    package var allowedTargets: [ReferralStatus] {
        switch self {
        case .new: [.new, .active, .closed]
        case .active: [.active, .closed]
        case .closed: []
        }
    }

    package var allowedSubstatuses: [ReferralSubstatus] {
        ReferralSubstatus.allCases.filter { $0.status == self }
    }
}

package enum ReferralSubstatus: String, Sendable, CaseIterable, NamedCase {
    case pending = "Pending"
    case received = "Received"
    case accepted = "Accepted"
    case won = "Won"
    case lost = "Lost"
    case declined = "Declined"
    case expired = "Expired"

    /// The one status this substatus belongs with.
    package var status: ReferralStatus {
        switch self {
        case .pending, .received: .new
        case .accepted: .active
        case .won, .lost, .declined, .expired: .closed
        }
    }
}

/// Why a change of status or substatus is refused.
package enum TransitionViolation: Error, Sendable, Equatable, CustomStringConvertible {
    case closedIsTerminal
    case statusNotReachable(from: ReferralStatus, to: ReferralStatus)
    case substatusNotAllowed(ReferralSubstatus, with: ReferralStatus)

    /// A stable machine-readable code (the sandbox's error `code`, the report's message prefix).
    package var code: String {
        switch self {
        case .closedIsTerminal: "ReferralClosed"
        case .statusNotReachable: "InvalidStatusTransition"
        case .substatusNotAllowed: "InvalidSubstatus"
        }
    }

    package var description: String {
        switch self {
        case .closedIsTerminal:
            "the referral is Closed, which is terminal: it takes no update"
        case .statusNotReachable(let from, let to):
            "status cannot move from \(from.rawValue) to \(to.rawValue) (allowed: \(from.allowedTargets.map(\.rawValue).joined(separator: ", ")))"
        case .substatusNotAllowed(let substatus, let status):
            "substatus \(substatus.rawValue) is not allowed with status \(status.rawValue) (allowed: \(status.allowedSubstatuses.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}

/// The status and substatus of a referral at one moment.
package struct ReferralState: Sendable, Equatable {
    package var status: ReferralStatus
    package var substatus: ReferralSubstatus?

    package init(status: ReferralStatus, substatus: ReferralSubstatus?) {
        self.status = status
        self.substatus = substatus
    }

    /// Whether a substatus fits a status on its own, with no current state known.
    package static func pairViolation(status: ReferralStatus, substatus: ReferralSubstatus) -> TransitionViolation? {
        substatus.status == status ? nil : .substatusNotAllowed(substatus, with: status)
    }

    /// Checks an update of this referral that sets `newStatus` and/or
    /// `newSubstatus` (nil: left as it is). A Closed referral refuses every
    /// update, even one that leaves its status alone. The substatus the
    /// referral ends up with (the new one, else the one it has) must belong to
    /// the status it ends up with.
    package func violation(newStatus: ReferralStatus?, newSubstatus: ReferralSubstatus?) -> TransitionViolation? {
        if status == .closed { return .closedIsTerminal }
        let target = newStatus ?? status
        guard status.allowedTargets.contains(target) else { return .statusNotReachable(from: status, to: target) }
        if let resulting = newSubstatus ?? substatus, resulting.status != target {
            return .substatusNotAllowed(resulting, with: target)
        }
        return nil
    }
}

/// An enum whose cases are names a spreadsheet may spell in any case.
protocol NamedCase: CaseIterable, RawRepresentable where RawValue == String {}

extension NamedCase {
    /// The case a name means, case-insensitively and ignoring surrounding spaces.
    static func named(_ name: String) -> Self? {
        Self(rawValue: name) ?? Self.allCases.first { $0.rawValue.caseInsensitiveEquals(name) }
    }
}

// Each enum's `init?(name:)` is concrete: the planner calls it per cell from
// another target, where a generic one (a protocol extension's) is neither
// specialised nor inlined for a `package` declaration and looked up its
// metadata on every call (7 % of plan's instructions, callgrind).
extension ReferralStatus {
    /// Matches a name case-insensitively and ignoring surrounding spaces.
    package init?(name: String) {
        guard let status = Self.named(name) else { return nil }
        self = status
    }
}

extension ReferralSubstatus {
    /// Matches a name case-insensitively and ignoring surrounding spaces.
    package init?(name: String) {
        guard let substatus = Self.named(name) else { return nil }
        self = substatus
    }
}

extension JSONPointer {
    package static let status = JSONPointer(tokens: ["status"])
    package static let substatus = JSONPointer(tokens: ["substatus"])
}

extension ReferralState {
    /// The status and substatus a patch sets (nil: left as it is); the last
    /// operation on each wins, as it does on the server.
    package static func requested(by operations: [PatchOperation]) -> (status: ReferralStatus?, substatus: ReferralSubstatus?) {
        func name(_ path: JSONPointer) -> String? { operations.last { $0.path == path }?.value.stringValue }
        return (name(.status).flatMap(ReferralStatus.init(name:)), name(.substatus).flatMap(ReferralSubstatus.init(name:)))
    }
}
