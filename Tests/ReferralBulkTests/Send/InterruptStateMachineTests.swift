import Glibc
import Testing
@testable import ReferralSend

@Suite struct InterruptStateMachineTests {
    @Test func theFirstSignalStopsGracefullyAndTheSecondCancels() {
        var machine = InterruptStateMachine()
        #expect(machine.signalReceived(SIGTERM, runStopped: false) == .stopGracefully(signal: SIGTERM))
        #expect(machine.signalReceived(SIGINT, runStopped: true) == .cancel)
        #expect(machine.signalReceived(SIGINT, runStopped: true) == .none)
        #expect(machine.gracePeriodEnded() == .none)
    }

    @Test func theEndOfTheGracePeriodCancelsOnce() {
        var machine = InterruptStateMachine()
        #expect(machine.signalReceived(SIGINT, runStopped: false) == .stopGracefully(signal: SIGINT))
        #expect(machine.gracePeriodEnded() == .cancel)
        #expect(machine.signalReceived(SIGINT, runStopped: true) == .none)
    }

    @Test func aGracePeriodThatNeverStartedCancelsNothing() {
        var machine = InterruptStateMachine()
        #expect(machine.gracePeriodEnded() == .none)
        #expect(machine.signalReceived(SIGINT, runStopped: false) == .stopGracefully(signal: SIGINT))
    }

    /// The circuit breaker (say) already stopped the run and it is finishing
    /// its requests: a signal then asks for what only a second one would.
    @Test func aSignalToARunAlreadyStoppingCancelsAtOnce() {
        var machine = InterruptStateMachine()
        #expect(machine.signalReceived(SIGINT, runStopped: true) == .cancel)
        #expect(machine.gracePeriodEnded() == .none)
    }
}
