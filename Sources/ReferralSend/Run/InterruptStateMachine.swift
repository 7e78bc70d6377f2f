/// What SIGINT and SIGTERM do to a run, with no signal and no clock in it:
/// the first asks the run to take no new work and starts the grace period;
/// a second one, or the end of the grace period, cancels what is still in
/// flight. `SignalWatcher` feeds it the signals and the timer and carries
/// out what it answers.
struct InterruptStateMachine: Sendable {
    enum Action: Sendable, Equatable {
        /// Stop taking new work (`StopSignal.Reason.interrupted`), say so, and start the grace period.
        case stopGracefully(signal: Int32)
        /// Cancel what is in flight.
        case cancel
        case none
    }

    private enum State {
        case running
        case stopping
        case cancelled
    }

    private var state = State.running

    /// A SIGINT or SIGTERM. `runStopped`: the run is already finishing its
    /// requests for another reason (the circuit breaker, say), so there is
    /// no graceful stop left to ask for and the signal means "now".
    mutating func signalReceived(_ signal: Int32, runStopped: Bool) -> Action {
        switch state {
        case .running where !runStopped:
            state = .stopping
            return .stopGracefully(signal: signal)
        case .running, .stopping:
            state = .cancelled
            return .cancel
        case .cancelled:
            return .none
        }
    }

    mutating func gracePeriodEnded() -> Action {
        switch state {
        case .stopping:
            state = .cancelled
            return .cancel
        case .running, .cancelled:
            return .none
        }
    }
}
