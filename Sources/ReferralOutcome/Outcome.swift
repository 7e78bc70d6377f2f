import ReferralModel
import ReferralPlan

/// What happened to one patch document: exactly one per document in a run.
package struct Outcome: Sendable {
    package enum Kind: String, Sendable, CaseIterable, Codable {
        /// The API accepted the patch (2xx).
        case updated
        /// Preflight showed every field already as asked: nothing was sent.
        case unchanged
        /// 412 after the configured re-reads.
        case conflict
        /// The status change is not allowed, or the referral is Closed.
        case invalidTransition = "invalid_transition"
        /// The row failed validation: never sent.
        case invalidInput = "invalid_input"
        case notFound = "not_found"
        /// 401 after one token refresh, or 403.
        case forbidden
        /// Retries exhausted, or another error.
        case failed
        /// Finished by an earlier run of the same file (resume).
        case skipped
        /// The run stopped (interrupted or aborted) before this document was
        /// finished, or before it was reached; the same command takes it up.
        case unfinished
        /// Dry run: preflight found changes to send, and sent nothing.
        case wouldUpdate = "would_update"

        /// Whether the referral now holds what the input asked.
        package var isApplied: Bool { self == .updated || self == .unchanged }

        /// Whether the row asks nothing more of the person running the file:
        /// applied, finished by an earlier run, or (dry run) ready to apply.
        package var isSettled: Bool { isApplied || self == .skipped || self == .wouldUpdate }
    }

    /// A field's value before the update, read by preflight; nil `value`
    /// means the field was absent.
    package struct BeforeValue: Sendable, Hashable {
        package var path: JSONPointer
        package var value: JSONValue?
        package init(path: JSONPointer, value: JSONValue?) {
            self.path = path
            self.value = value
        }
    }

    package var document: PatchDocument
    package var kind: Kind
    /// The last HTTP status seen, if any request was made.
    package var httpStatus: Int?
    /// Attempts of the write: 1 for a PATCH answered at once, 0 when none was sent.
    package var attempts: Int
    /// Attempts of the reads (preflight, and the reads that explain a 412 or a 400).
    package var readAttempts = 0
    package var message: String
    /// Our request id (`client-request-id`, `MS-RequestId`) of the PATCH call, if one was made.
    package var requestID: String?
    /// The server's `Request-ID` of the answer that decided the outcome (or
    /// of the last answer met): what Microsoft support looks a call up by.
    package var serverRequestID: String?
    /// The referral's eTag after the update, when known.
    package var newETag: String?
    /// Before-values of the fields the sent patch touched (for undo.csv).
    package var before: [BeforeValue]
    /// The operations actually sent (preflight may drop some).
    package var sentOperations: [PatchOperation]

    /// For `skipped`: the outcome the earlier run recorded.
    package var finishedEarlierAs: Kind?

    /// A document the run stopped before finishing.
    package static func unfinished(_ document: PatchDocument) -> Outcome {
        Outcome(document: document, kind: .unfinished, message: "the run stopped before this document was finished")
    }

    /// Whether the referral holds a change this file made, which undo must
    /// restore: updated now (a run killed between sending and recording
    /// included), or by an earlier run (skipped).
    package var carriesChange: Bool {
        kind == .updated || (kind == .skipped && !sentOperations.isEmpty)
    }
    /// Time from the first request to the answer that decided the outcome.
    package var latency: Duration?
    /// Attempts beyond the first of each call.
    package var retries = 0
    /// 429 answers met.
    package var throttled = 0
    /// Dry run: each operation of the document against the referral as read
    /// (nil when it was not read: not found, invalid input, failed).
    package var preview: [FieldCheck]?

    package init(
        document: PatchDocument, kind: Kind, httpStatus: Int? = nil, attempts: Int = 0, message: String = "",
        requestID: String? = nil, newETag: String? = nil, before: [BeforeValue] = [],
        sentOperations: [PatchOperation] = [], finishedEarlierAs: Kind? = nil
    ) {
        self.document = document
        self.kind = kind
        self.httpStatus = httpStatus
        self.attempts = attempts
        self.message = message
        self.requestID = requestID
        self.newETag = newETag
        self.before = before
        self.sentOperations = sentOperations
        self.finishedEarlierAs = finishedEarlierAs
    }
}
