import Foundation
import Synchronization

/// Days that pass in a test: the sandbox's identity platform and the token
/// cache read the same simulated clock, so nights and lapses take no time.
final class SimulatedDays: Sendable {
    private let offset = Mutex(Duration.zero)
    private let epoch = Int64(Date().timeIntervalSince1970)
    private let start = ContinuousClock.now

    func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
    var instant: ContinuousClock.Instant { ContinuousClock.now + offset.withLock { $0 } }
    var seconds: Int64 { epoch + (instant - start).components.seconds }
}
