import ReferralPlan

/// Keeps two documents for the same referral from ever being in flight
/// together: a pure state machine, fed by the worker pool.
///
/// A document whose referral is busy is parked and handed back, in file
/// order, when the busy one finishes. IDs are compared case-insensitively
/// (GUIDs), which can only serialise more, never less.
struct ReferralOrdering: Sendable {
    private var busy: Set<String> = []
    private var parked: [String: [PatchDocument]] = [:]
    private(set) var parkedCount = 0

    init() {}

    /// Returns the document if it may start now; otherwise keeps it parked.
    mutating func admit(_ document: PatchDocument) -> PatchDocument? {
        let key = Self.key(document.referralID)
        if busy.insert(key).inserted { return document }
        parked[key, default: []].append(document)
        parkedCount += 1
        return nil
    }

    /// Marks the document's referral free, and returns the next parked
    /// document for it (which is then busy), if any.
    mutating func finish(_ document: PatchDocument) -> PatchDocument? {
        let key = Self.key(document.referralID)
        guard var queue = parked[key], !queue.isEmpty else {
            busy.remove(key)
            return nil
        }
        let next = queue.removeFirst()
        parked[key] = queue.isEmpty ? nil : queue
        parkedCount -= 1
        return next
    }

    var inFlightCount: Int { busy.count }

    /// Every parked document, in file order, taken out (a stopping run reports them unfinished).
    mutating func removeAllParked() -> [PatchDocument] {
        let all = parked.values.flatMap { $0 }.sorted { $0.sequence < $1.sequence }
        parked = [:]
        parkedCount = 0
        return all
    }

    static func key(_ referralID: String) -> String { referralID.lowercased() }
}
