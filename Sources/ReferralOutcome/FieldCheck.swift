import ReferralModel

/// One operation held against the referral as it is now (preflight's
/// check, and what a dry run's changes.csv shows).
package struct FieldCheck: Sendable, Equatable {
    package var operation: PatchOperation
    /// What the field holds now (for a team member: the member with the
    /// same e-mail, if any); nil when absent.
    package var current: JSONValue?
    /// Whether sending the operation would change the referral.
    package var changes: Bool

    package init(operation: PatchOperation, current: JSONValue?, changes: Bool) {
        self.operation = operation
        self.current = current
        self.changes = changes
    }
}
