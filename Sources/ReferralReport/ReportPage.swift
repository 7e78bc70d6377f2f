import Foundation
import Mustache
import ReferralModel
import ReferralPlan
import ReferralOutcome

/// `report.html`: the run on one self-contained page (no script, nothing
/// fetched), rendered from `ReportTemplate` by Mustache, whose `{{ }}`
/// escapes `< > & " '` in every value: text, attribute and SVG alike.
/// Numbers in the charts' geometry are the tool's own.
struct ReportPage {
    /// A row that was not applied, as the page lists it.
    struct Unapplied: Sendable {
        var lines: String
        var referralID: String
        var outcome: String
        var message: String
    }

    struct Figure {
        var label: String
        var value: String
    }

    struct Count {
        var outcome: String
        var count: Int
        var settled: Bool
    }

    /// Rows beyond this many are counted and left to the retry file / `changes.csv`.
    static let listed = 1000

    var title: String
    var dryRun: Bool
    var started: String
    var abortReason: String?
    var figures: [Figure]
    var counts: [Count]
    var timeline: BarChart?
    var latency: BarChart?
    var unapplied: [Unapplied]
    /// How many not-applied rows the list leaves out, nil when none.
    var unappliedMore: Int?
    var anyUnapplied: Bool
    /// The retry file this run writes: `retry.csv`, or `retry.xlsx` for a workbook input.
    var retryFile: String
    var changes: [ChangeRow]
    var changesMore: Int?
    var anyChanges: Bool
    var irreversible: String?

    init(
        summary: RunSummary, timeline: RunTimeline, unapplied: [Unapplied], unappliedTotal: Int, retryFile: String,
        changes: [ChangeRow], changesTotal: Int
    ) {
        dryRun = summary.dryRun
        title = summary.dryRun ? "referral-bulk dry run" : "referral-bulk run"
        started = UTCDateTime(date: summary.started).description
        abortReason = summary.abortReason
        figures = Self.figures(summary)
        counts = Outcome.Kind.allCases.compactMap { kind in
            summary.counts[kind].map { Count(outcome: kind.rawValue, count: $0, settled: kind.isSettled) }
        }
        self.timeline = Self.timelineChart(timeline)
        latency = Self.latencyChart(summary.latency)
        self.unapplied = unapplied
        anyUnapplied = unappliedTotal > 0
        unappliedMore = unappliedTotal > unapplied.count ? unappliedTotal - unapplied.count : nil
        self.retryFile = retryFile
        self.changes = changes
        anyChanges = changesTotal > 0
        changesMore = changesTotal > changes.count ? changesTotal - changes.count : nil
        irreversible = summary.irreversible.isEmpty ? nil : summary.irreversible.description
    }

    func html() -> String { ReportTemplate.render(self) }

    static func figures(_ summary: RunSummary) -> [Figure] {
        let wall = summary.wallSeconds
        var figures = [
            Figure(label: "rows", value: String(summary.rows)),
            Figure(label: "documents", value: String(summary.documents)),
            Figure(label: "wall time", value: String(format: "%.2f s", wall)),
            Figure(label: "rows/s", value: wall > 0 ? String(format: "%.1f", Double(summary.rows) / wall) : "–"),
            Figure(label: "retries", value: String(summary.retries)),
            Figure(label: "429 answers", value: String(summary.throttled)),
        ]
        if let limit = summary.pacing.limitFound { figures.append(Figure(label: "pace found", value: String(format: "%.1f requests/s", limit))) }
        if let limit = summary.pacing.inFlightLimit { figures.append(Figure(label: "calls in flight (server's limit)", value: String(limit))) }
        for (label, fraction) in [("latency p50", 0.5), ("latency p95", 0.95), ("latency p99", 0.99)] {
            if let ms = summary.latency.percentile(fraction) { figures.append(Figure(label: label, value: String(format: "%.1f ms", ms))) }
        }
        figures.append(Figure(label: "exit status", value: "\(summary.exitStatus.rawValue): \(Self.meaning(summary.exitStatus, dryRun: summary.dryRun))"))
        return figures
    }

    static func meaning(_ status: ExitStatus, dryRun: Bool) -> String {
        switch status {
        case .success: dryRun ? "every row would apply or is already as asked" : "every row applied or already as asked"
        case .someRowsNotApplied: dryRun ? "some rows would not apply" : "some rows not applied"
        case .unusable: "the command could not run"
        case .aborted: "aborted; the same command resumes"
        }
    }

    static func timelineChart(_ timeline: RunTimeline) -> BarChart? {
        guard !timeline.seconds.isEmpty else { return nil }
        let (width, slots) = timeline.slots(maximum: 240)
        let perSecond = { (value: Int) in Double(value) / Double(width) }
        return BarChart(
            caption: width == 1 ? "Documents finished and 429 answers, per second" : "Documents finished and 429 answers, per second (mean of \(width) s)",
            series: [
                .init(name: "documents/s", style: "documents", values: slots.map { perSecond($0.documents) }),
                .init(name: "429s/s", style: "throttled", values: slots.map { perSecond($0.throttled) }),
            ],
            slotTitle: { width == 1 ? "second \($0)" : "seconds \($0 * width)-\($0 * width + width - 1)" },
            startLabel: "0 s", endLabel: "\(timeline.seconds.count) s", unit: "/s")
    }

    static func latencyChart(_ histogram: LatencyHistogram) -> BarChart? {
        let bars = histogram.bars(maximum: 60)
        guard let first = bars.first, let last = bars.last else { return nil }
        return BarChart(
            caption: "Latency per document (first request to deciding answer), log scale",
            series: [.init(name: "documents", style: "latency", values: bars.map { Double($0.count) })],
            slotTitle: { String(format: "up to %.1f ms", bars[$0].upToMs) },
            startLabel: String(format: "%.1f ms", first.upToMs), endLabel: String(format: "%.1f ms", last.upToMs), unit: "documents")
    }
}
