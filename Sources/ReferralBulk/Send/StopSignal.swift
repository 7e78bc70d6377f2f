import Synchronization

/// A shared, thread-safe "stop taking new work" flag with the reason: set
/// by SIGINT/SIGTERM or by the circuit breaker, read by the worker pool.
public final class StopSignal: Sendable {
    public enum Reason: Sendable, Equatable {
        case interrupted(signal: Int32)
        case apiKeepsFailing(String)
        case credentialsRejected(String)
        case inputFailed(String)
    }

    private let state = Mutex<Reason?>(nil)

    public init() {}

    /// Records the first reason only: later ones do not overwrite what stopped the run.
    public func stop(_ reason: Reason) {
        state.withLock { current in
            if current == nil { current = reason }
        }
    }

    public var reason: Reason? { state.withLock { $0 } }
    public var isStopped: Bool { reason != nil }
}
