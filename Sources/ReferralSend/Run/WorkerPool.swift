import ReferralOutcome
import ReferralPlan

/// Runs documents through a bounded number of concurrent workers.
///
/// Structured concurrency: one task group, at most `concurrency` children,
/// each processing one document. The reader is pulled only when a worker is
/// free (and at most `maximumParked` documents wait for a busy referral), so
/// memory is O(concurrency) whatever the file's size. Never two documents
/// for one referral in flight (`ReferralOrdering`). Outcomes are handed to
/// `record` on the calling task, one at a time, as they finish.
package struct WorkerPool: Sendable {
    /// How a run ended.
    package enum Ending: Sendable, Equatable {
        /// Every document of the input got an outcome.
        case completed
        /// Stopped early (signal, circuit, credentials); the rest is left for a resume.
        case stopped(StopSignal.Reason)
    }

    package var concurrency: Int
    package var maximumParked: Int

    package init(concurrency: Int, maximumParked: Int? = nil) {
        self.concurrency = max(1, concurrency)
        self.maximumParked = maximumParked ?? max(16, self.concurrency * 4)
    }

    /// - Parameters:
    ///   - next: the next document of the input, nil at its end.
    ///   - process: sends one valid document; nil means it did not finish
    ///     (the run is stopping): it is recorded `unfinished`.
    ///   - record: receives every outcome, including `invalid_input` ones
    ///     that never reach a worker, and `unfinished` for every document
    ///     taken from the input that a stopping run did not finish, so a
    ///     report accounts for each of them.
    package func run(
        next: () throws -> PatchDocument?,
        process: @escaping @Sendable (PatchDocument) async -> Outcome?,
        record: (Outcome) throws -> Void,
        stop: StopSignal
    ) async throws -> Ending {
        var ordering = ReferralOrdering()
        var inputDone = false
        try await withThrowingTaskGroup(of: (PatchDocument, Outcome?).self) { group in
            var running = 0

            func start(_ document: PatchDocument) {
                running += 1
                group.addTask { (document, await process(document)) }
            }

            while true {
                // Fill free workers from the input, unless stopping.
                while running < concurrency, !inputDone, !stop.isStopped, ordering.parkedCount < maximumParked {
                    guard let document = try next() else {
                        inputDone = true
                        break
                    }
                    if let local = Self.localOutcome(for: document) {
                        try record(local)
                    } else if let admitted = ordering.admit(document) {
                        start(admitted)
                    }
                }
                guard running > 0 else { break }
                guard let (finished, outcome) = try await group.next() else { break }
                running -= 1
                try record(outcome ?? .unfinished(finished))
                if let following = ordering.finish(finished) {
                    if stop.isStopped { try record(.unfinished(following)) } else { start(following) }
                }
            }
            for parked in ordering.removeAllParked() { try record(.unfinished(parked)) }
        }
        if let reason = stop.reason { return .stopped(reason) }
        return .completed
    }

    /// Documents that need no request: bad input, and rows that ask nothing.
    static func localOutcome(for document: PatchDocument) -> Outcome? {
        if !document.isValid {
            return Outcome(
                document: document, kind: .invalidInput,
                message: document.problems.map(\.description).joined(separator: "; "))
        }
        if document.operations.isEmpty {
            return Outcome(document: document, kind: .unchanged, message: "no change asked: every cell is empty")
        }
        return nil
    }
}
