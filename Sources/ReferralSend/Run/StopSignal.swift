import ReferralInput
import ReferralModel
import Synchronization

/// A shared, thread-safe "stop taking new work" flag with the reason: set
/// by SIGINT/SIGTERM, the circuit breaker, an unreachable endpoint or a
/// report that cannot be written; read by the worker pool. Waits (backoff,
/// throttling) made through `interrupting` end the moment it is set.
package final class StopSignal: Sendable {
    /// What stopped the run, as the value that tells it; `description` is the run's last sentence.
    package enum Reason: Sendable, Equatable, CustomStringConvertible {
        case interrupted(signal: Int32)
        /// The API kept asking to wait `asked`, longer than `--max-retry-after` (`limit`).
        case waitsTooLong(asked: Duration, limit: Duration)
        /// The circuit breaker opened too often: most documents failed, after retries.
        case circuitBreakerTripped
        case credentialsRejected(CredentialsProblem)
        case inputFailed(CSVFileError)
        /// The endpoint cannot be reached at all (refused, no connection, DNS, TLS), or only its gateway answers.
        case unreachable(EndpointUnreachable)
        /// A report or journal file could not be written.
        case outputFailed(OutputFailure)

        package var description: String {
            switch self {
            case .interrupted(let signal): "interrupted by signal \(signal)"
            case .waitsTooLong(let asked, let limit):
                "stopped: the API keeps asking to wait \(DurationText.seconds(asked)), longer than --max-retry-after \(DurationText.seconds(limit))"
            case .circuitBreakerTripped: "stopped: most requests failed, again and again, after retries"
            case .credentialsRejected(let problem): "credentials rejected: \(problem)"
            case .inputFailed(let error): "the input could not be read further: \(error)"
            case .unreachable(let endpoint): endpoint.description
            case .outputFailed(let failure): failure.description
            }
        }
    }

    private struct State {
        var reason: Reason?
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    package init() {}

    /// Records the first reason only: later ones do not overwrite what stopped the run.
    package func stop(_ reason: Reason) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.reason == nil else { return [] }
            state.reason = reason
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    package var reason: Reason? { state.withLock { $0.reason } }
    package var isStopped: Bool { reason != nil }

    /// Returns once the run is told to stop (at once if it already was), or
    /// when the calling task is cancelled.
    package func stopped() async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.reason != nil || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Runs `wait` (a sleep), cut short when the run is told to stop: it
    /// then throws `CancellationError`, so a retry that would have slept for
    /// minutes lets a first SIGINT end the run at once.
    package func interrupting(_ wait: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await wait()
                return true
            }
            group.addTask {
                await self.stopped()
                return false
            }
            let waited = try await group.next() ?? false
            group.cancelAll()
            if !waited { throw CancellationError() }
        }
    }
}
