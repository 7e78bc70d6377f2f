import ReferralModel

/// What may be sent again after a write's answer was lost, as pure
/// functions of values.
///
/// A `replace` lands the same way however often it is applied, so a call
/// made only of such operations is retried as it is (same request id). An
/// `add` into an array (a team member appended at `/team/-`) lands once
/// more each time: after a lost answer it is never resent blind. The
/// referral is read first, and only what it does not hold yet is sent,
/// in a new call. The same holds with or without preflight, and does not
/// rely on the service dropping a duplicate by its request id (the docs
/// do not say that it does for this API).
enum LostAnswerRule {
    /// Whether applying the operation twice leaves the referral as applying
    /// it once: false for an `add` whose last token appends (`-`) or
    /// inserts at an index, which can only be an array's.
    static func isIdempotent(_ operation: PatchOperation) -> Bool {
        guard operation.op == .add, let last = operation.path.tokens.last else { return true }
        return !(last == "-" || (!last.isEmpty && last.allSatisfy(\.isASCIIDigit)))
    }

    /// Whether a call carrying these operations may be sent again blind after an attempt got no answer.
    static func mayResendBlind(_ operations: [PatchOperation]) -> Bool {
        operations.allSatisfy(isIdempotent)
    }

    /// Whether an attempt that failed this way may have reached the server
    /// (and been applied): anything but a connection never made.
    static func mayHaveArrived(_ failure: TransportFailure) -> Bool {
        !failure.meansUnreachable
    }

    /// The operations the referral as read does not hold yet (a team member
    /// by e-mail, any other field by value): what a resend may carry.
    static func missing(_ operations: [PatchOperation], from referral: JSONValue) -> [PatchOperation] {
        Preflight.check(operations, against: referral).filter(\.changes).map(\.operation)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
