/// At most `quota` calls per window of `window` seconds, the windows
/// counted from the simulation's start; a refused call is told when the
/// window resets.
struct SimulatedFixedWindow: SimulatedLimiter {
    let quota: Int
    let window: Double
    private var current = -1
    private var used = 0

    init(quota: Int, window: Double) {
        self.quota = quota
        self.window = window
    }

    mutating func take(at time: Int64) -> SimulatedRefusal? {
        let seconds = Double(time) / 1e9
        let index = Int(seconds / window)
        if index != current {
            current = index
            used = 0
        }
        guard used >= quota else {
            used += 1
            return nil
        }
        return Self.retryAfter(seconds: Double(index + 1) * window - seconds)
    }

    func allowance(until time: Int64) -> Double {
        Double(quota) / window * Double(time) / 1e9
    }
}
