import ReferralModel
import ReferralOutcome
import ReferralPlan

/// What a real run would do with a document, decided from one read of the
/// referral and nothing sent: the same preflight, plus the `If-Match` check
/// the API would make when the input asserts an eTag.
enum DryRun {
    static func outcome(_ document: PatchDocument, referral: JSONValue, eTag: String?) -> Outcome {
        var outcome: Outcome
        switch Preflight.decide(document.operations, against: referral) {
        case .unchanged:
            outcome = Outcome(document: document, kind: .unchanged, httpStatus: 200, message: "already as asked: nothing would be sent")
        case .invalidTransition(let violation):
            outcome = Outcome(document: document, kind: .invalidTransition, httpStatus: 200, message: "\(violation.code): \(violation.description)")
        case .send(let operations, let before):
            if let asserted = document.ifMatch, let eTag, ETag.unquoted(asserted) != ETag.unquoted(eTag) {
                outcome = Outcome(
                    document: document, kind: .conflict, httpStatus: 200,
                    message: "the referral changed since the eTag in the file was read: a real run would get 412")
            } else {
                outcome = Outcome(
                    document: document, kind: .wouldUpdate, httpStatus: 200, message: "dry run: not sent", before: before,
                    sentOperations: operations)
            }
        }
        outcome.preview = Preflight.check(document.operations, against: referral)
        return outcome
    }
}
