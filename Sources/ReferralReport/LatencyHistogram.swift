import Foundation

/// Per-document latencies in constant memory: log-spaced buckets (about
/// 2 % wide) from 0.1 ms to about 90 min, so p50/p95/p99 of millions of
/// documents are known to within 2 % without keeping a list.
package struct LatencyHistogram: Sendable {
    static let bucketsPerDoubling = 35.0
    static let smallest = 100.0  // microseconds
    private var counts = [Int](repeating: 0, count: 900)
    package private(set) var count = 0

    package init() {}

    package mutating func record(_ latency: Duration) {
        let micros = Double(latency.components.seconds) * 1e6 + Double(latency.components.attoseconds) / 1e12
        let index = micros <= Self.smallest ? 0 : Int((log2(micros / Self.smallest) * Self.bucketsPerDoubling).rounded(.up))
        counts[min(counts.count - 1, index)] += 1
        count += 1
    }

    /// The histogram in at most `maximum` bars of equal (logarithmic) width,
    /// from the fastest latency seen to the slowest: each bar's upper bound
    /// in ms and its count. Empty when nothing was recorded.
    package func bars(maximum: Int) -> [(upToMs: Double, count: Int)] {
        guard let first = counts.firstIndex(where: { $0 > 0 }), let last = counts.lastIndex(where: { $0 > 0 }) else { return [] }
        let width = max(1, (last - first + maximum) / max(1, maximum))
        return stride(from: first, through: last, by: width).map { start in
            let end = min(last, start + width - 1)
            return (Self.upperBoundMs(end), counts[start...end].reduce(0, +))
        }
    }

    /// The upper bound (ms) of bucket `index`.
    static func upperBoundMs(_ index: Int) -> Double { smallest * pow(2, Double(index) / bucketsPerDoubling) / 1000 }

    /// The latency (ms) below which `fraction` of documents fall (nearest rank), nil when empty.
    package func percentile(_ fraction: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = max(1, Int((fraction * Double(count)).rounded(.up)))
        var seen = 0
        for (index, bucketCount) in counts.enumerated() {
            seen += bucketCount
            if seen >= rank { return Self.upperBoundMs(index) }
        }
        return nil
    }
}
