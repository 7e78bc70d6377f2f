import Dispatch
import Glibc
import ReferralModel

/// Turns SIGINT and SIGTERM into a graceful stop: the first one asks the
/// run to take no new work and let in-flight requests finish; a second one,
/// or the end of the grace period, cancels what is still in flight. The
/// report is written either way.
public final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    /// - Parameters:
    ///   - onFirst: called once, on the first signal (after `stop` is set).
    ///   - cancel: called on a second signal or when the grace period ends.
    public init(
        stop: StopSignal, gracePeriod: Duration, onFirst: @escaping @Sendable (Int32) -> Void,
        cancel: @escaping @Sendable () -> Void
    ) {
        let queue = DispatchQueue(label: "referral-bulk.signals")
        let graceNanoseconds = Int(gracePeriod.saturatingNanoseconds)
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)  // handled by the dispatch source instead of killing the process
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if stop.isStopped {
                    cancel()
                    return
                }
                stop.stop(.interrupted(signal: number))
                onFirst(number)
                queue.asyncAfter(deadline: .now() + .nanoseconds(graceNanoseconds)) { cancel() }
            }
            source.resume()
            return source
        }
    }

    /// Restores the default handling (a later signal ends the process as usual).
    public func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
