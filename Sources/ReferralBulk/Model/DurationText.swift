/// Durations as people write them on a command line: `250ms`, `2s`,
/// `1.5s`, `5m`, `1h`, or a bare number of seconds.
public enum DurationText {
    /// nil when `text` is not a non-negative duration.
    public static func parse(_ text: some StringProtocol) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            return milliseconds(text.dropLast(suffix.count), scale: scale)
        }
        return milliseconds(text[...], scale: 1)
    }

    private static func milliseconds(_ number: some StringProtocol, scale: Double) -> Duration? {
        guard let value = Double(String(number)), value >= 0, value.isFinite else { return nil }
        return .milliseconds(Int64((value * scale * 1000).rounded()))
    }
}
