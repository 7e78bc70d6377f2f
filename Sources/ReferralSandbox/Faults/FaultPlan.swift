import ReferralModel

/// Decides, reproducibly, which requests meet which fault.
///
/// Each decision comes from (seed, the request's `MS-RequestId` or method
/// and path, how many times that key was seen before), not from arrival
/// order, so the same client behaviour meets the same faults on every run.
struct FaultPlan: Sendable {
    enum Fault: Sendable, Equatable {
        /// Answer 503 without touching the referral.
        case unavailable
        /// Close the connection without answering, before doing anything.
        case dropConnection
        /// Apply the patch, then close the connection without answering.
        case loseResponse
    }

    var seed: UInt64
    var failRate: Double
    var dropRate: Double
    var lostResponseRate: Double
    var latency: Duration
    var jitter: Duration

    /// The fault for this request (nil: none) and how long to wait before answering.
    func decide(key: String, occurrence: Int, isWrite: Bool) -> (fault: Fault?, delay: Duration) {
        var random = SplitMix64(seed: seed, key: key, counter: occurrence)
        let roll = random.unit()
        let jitterFraction = random.unit() * 2 - 1
        let delay = max(.zero, latency + jitter * jitterFraction)
        let fault: Fault?
        if roll < failRate {
            fault = .unavailable
        } else if roll < failRate + dropRate {
            fault = .dropConnection
        } else if isWrite, roll < failRate + dropRate + lostResponseRate {
            fault = .loseResponse
        } else {
            fault = nil
        }
        return (fault, delay)
    }
}
