import Foundation

/// The geometry of one inline SVG bar chart on the report page: numbers the
/// tool computed, and labels the template escapes. Each slot holds one bar
/// per series, side by side, scaled to the tallest bar of any series.
struct BarChart: Sendable {
    struct Series: Sendable {
        var name: String
        /// The CSS class that colours it.
        var style: String
        var values: [Double]
    }

    struct Bar: Sendable {
        var style: String
        var x: String
        var y: String
        var width: String
        var height: String
        /// Shown on hover.
        var title: String
    }

    static let width = 720.0
    static let height = 160.0
    /// Room above the plot for the scale's label, so no bar covers it.
    static let top = 18.0
    let width = Int(BarChart.width)
    /// Where the bars stand.
    let baseline = Int(BarChart.top + BarChart.height)
    /// The plot plus room for the labels above and below it.
    let frameHeight = Int(BarChart.top + BarChart.height) + 20
    var caption: String
    var bars: [Bar]
    var legend: [Series]
    var topLabel: String
    var startLabel: String
    var endLabel: String

    /// - Parameter slotTitle: what slot `index` covers, e.g. "seconds 10-14".
    init(caption: String, series: [Series], slotTitle: (Int) -> String, startLabel: String, endLabel: String, unit: String) {
        let slots = series.map(\.values.count).max() ?? 0
        let top = max(1, series.flatMap(\.values).max() ?? 1)
        let slotWidth = Self.width / Double(max(1, slots))
        let barWidth = slotWidth / Double(max(1, series.count))
        var bars: [Bar] = []
        for (seriesIndex, one) in series.enumerated() {
            for (slot, value) in one.values.enumerated() where value > 0 {
                let height = max(1, Self.height * value / top)
                bars.append(
                    Bar(
                        style: one.style, x: Self.format(Double(slot) * slotWidth + Double(seriesIndex) * barWidth),
                        y: Self.format(Self.top + Self.height - height), width: Self.format(max(0.5, barWidth * 0.9)), height: Self.format(height),
                        title: "\(slotTitle(slot)): \(Self.format(value)) \(one.name)"))
            }
        }
        self.caption = caption
        self.bars = bars
        self.legend = series
        self.topLabel = "\(Self.format(top)) \(unit)"
        self.startLabel = startLabel
        self.endLabel = endLabel
    }

    /// At most two decimals, none when whole: short attributes and labels.
    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
