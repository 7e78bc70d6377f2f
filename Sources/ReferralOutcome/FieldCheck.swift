import ReferralModel

/// One operation held against the referral as it is now (preflight's
/// check, and what a dry run's changes.csv shows).
public struct FieldCheck: Sendable, Equatable {
    public var operation: PatchOperation
    /// What the field holds now (for a team member: the member with the
    /// same e-mail, if any); nil when absent.
    public var current: JSONValue?
    /// Whether sending the operation would change the referral.
    public var changes: Bool

    public init(operation: PatchOperation, current: JSONValue?, changes: Bool) {
        self.operation = operation
        self.current = current
        self.changes = changes
    }
}
