import Glibc
import UnixSignals

/// Turns SIGINT and SIGTERM into a graceful stop: the first one asks the
/// run to take no new work and let in-flight requests finish; a second one,
/// or the end of the grace period, cancels what is still in flight. The
/// report is written either way. (The decisions are `InterruptStateMachine`'s;
/// this type receives the signals and keeps the time.)
package final class SignalWatcher: Sendable {
    private enum Event {
        case signal(Int32)
        case gracePeriodEnded
    }

    private let task: Task<Void, Never>

    /// Returns once the handlers are installed: no signal sent after it is missed.
    /// - Parameters:
    ///   - onFirst: called once, on the first signal (after `stop` is set).
    ///   - cancel: called on a second signal or when the grace period ends.
    package init(
        stop: StopSignal, gracePeriod: Duration, onFirst: @escaping @Sendable (Int32) -> Void,
        cancel: @escaping @Sendable () -> Void
    ) async {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        task = Task {
            let (events, sink) = AsyncStream.makeStream(of: Event.self)
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await signal in signals { sink.yield(.signal(signal.rawValue)) }
                }
                var machine = InterruptStateMachine()
                for await event in events {
                    let action =
                        switch event {
                        case .signal(let number): machine.signalReceived(number, runStopped: stop.isStopped)
                        case .gracePeriodEnded: machine.gracePeriodEnded()
                        }
                    switch action {
                    case .stopGracefully(let number):
                        stop.stop(.interrupted(signal: number))
                        onFirst(number)
                        group.addTask {
                            guard (try? await Task.sleep(for: gracePeriod)) != nil else { return }  // cancelled: the run ended
                            sink.yield(.gracePeriodEnded)
                        }
                    case .cancel:
                        cancel()
                    case .none:
                        break
                    }
                }
            }
        }
    }

    /// Stops watching and restores the default handling (a later signal ends the process as usual).
    package func cancel() {
        task.cancel()
        Self.restoreDefaultHandling()
    }

    /// Suspends until SIGINT or SIGTERM arrives (the sandbox serves until
    /// then); a later one ends the process as usual.
    package static func waitForTerminationSignal() async {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        for await _ in signals { break }
        restoreDefaultHandling()
    }

    private static func restoreDefaultHandling() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
