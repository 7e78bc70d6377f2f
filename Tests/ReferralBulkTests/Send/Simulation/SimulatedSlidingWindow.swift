/// At most `quota` calls in any `window` seconds (a sliding log); a refused
/// call is told when the oldest call in the window leaves it.
struct SimulatedSlidingWindow: SimulatedLimiter {
    let quota: Int
    let window: Double
    /// Times of the accepted calls still in the window, oldest first.
    private var log: [Int64] = []
    private var oldest = 0

    init(quota: Int, window: Double) {
        self.quota = quota
        self.window = window
    }

    mutating func take(at time: Int64) -> SimulatedRefusal? {
        let length = Int64(window * 1e9)
        while oldest < log.count, log[oldest] <= time - length { oldest += 1 }
        guard log.count - oldest >= quota else {
            log.append(time)
            return nil
        }
        return Self.retryAfter(seconds: Double(log[oldest] + length - time) / 1e9)
    }

    func allowance(until time: Int64) -> Double {
        Double(quota) / window * Double(time) / 1e9
    }
}
