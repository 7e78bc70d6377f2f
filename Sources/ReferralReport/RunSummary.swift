import Foundation
import ReferralModel
import ReferralPlan
import ReferralOutcome

/// What `summary.json` says about a run.
package struct RunSummary: Sendable {
    package var counts: [Outcome.Kind: Int] = [:]
    /// The file as a whole, across its runs: a skipped document counts as what the earlier run found.
    package var fileCounts: [Outcome.Kind: Int] = [:]
    package var documents = 0
    package var rows = 0
    package var retries = 0
    package var throttled = 0
    package var undoWarnings = 0
    /// What this run did that cannot be undone (referrals closed, team members added).
    package var irreversible = IrreversibleChanges()
    package var latency = LatencyHistogram()
    package var started = Date()
    package var finished = Date()
    package var exitStatus: ExitStatus = .success
    package var abortReason: String?
    /// The `MS-CorrelationId` every call of the run carried.
    package var correlationID: String?
    /// A dry run: counts and irreversible changes are what a real run would do.
    package var dryRun = false
    package var pacing = Pacing()

    /// What the rate controller found: the tenant's limit as the pace it
    /// settled on, the pace at the end, the most calls in flight the server
    /// took when it limits them (a gateway's `limit_conn`), and the
    /// `--max-rps` cap if any.
    package struct Pacing: Sendable, Equatable {
        package var limitFound: Double?
        package var finalPace: Double?
        package var inFlightLimit: Int?
        package var cap: Double?

        package init(limitFound: Double? = nil, finalPace: Double? = nil, inFlightLimit: Int? = nil, cap: Double? = nil) {
            self.limitFound = limitFound
            self.finalPace = finalPace
            self.inFlightLimit = inFlightLimit
            self.cap = cap
        }
    }

    package init() {}

    package mutating func add(_ outcome: Outcome) {
        counts[outcome.kind, default: 0] += 1
        fileCounts[outcome.finishedEarlierAs ?? outcome.kind, default: 0] += 1
        documents += 1
        rows += max(1, outcome.document.sourceRows.count)
        retries += outcome.retries
        throttled += outcome.throttled
        if let latency = outcome.latency { self.latency.record(latency) }
        if outcome.kind == .updated || outcome.kind == .wouldUpdate { irreversible += IrreversibleChanges(outcome.sentOperations) }
    }

    /// Every row applied or already as asked (skipped ones included, they
    /// were earlier; in a dry run, ready to apply).
    package var allApplied: Bool {
        counts.allSatisfy { kind, count in count == 0 || kind.isSettled }
    }

    package var wallSeconds: Double { finished.timeIntervalSince(started) }

    package var json: JSONValue {
        var countsJSON: JSONObject = [:]
        var fileJSON: JSONObject = [:]
        for kind in Outcome.Kind.allCases {
            countsJSON[kind.rawValue] = .number(Decimal(counts[kind, default: 0]))
            if kind != .skipped { fileJSON[kind.rawValue] = .number(Decimal(fileCounts[kind, default: 0])) }
        }
        func number(_ value: Double?) -> JSONValue {
            guard let value, value.isFinite else { return .null }
            return .number(Decimal(string: String(format: "%.3f", value)) ?? 0)
        }
        let iso = { (date: Date) in JSONValue.string(UTCDateTime(date: date).description) }
        return [
            "outcomes": .object(countsJSON), "fileOutcomes": .object(fileJSON), "documents": .number(Decimal(documents)), "rows": .number(Decimal(rows)),
            "started": iso(started), "finished": iso(finished), "wallSeconds": number(wallSeconds),
            "rowsPerSecond": number(wallSeconds > 0 ? Double(rows) / wallSeconds : nil),
            "latencyMs": ["p50": number(latency.percentile(0.5)), "p95": number(latency.percentile(0.95)), "p99": number(latency.percentile(0.99))],
            "retries": .number(Decimal(retries)), "throttled429": .number(Decimal(throttled)),
            "pacing": [
                "limitFoundPerSecond": number(pacing.limitFound), "finalPacePerSecond": number(pacing.finalPace),
                "inFlightLimit": number(pacing.inFlightLimit.map(Double.init)), "maxRps": number(pacing.cap),
            ],
            "undoWarnings": .number(Decimal(undoWarnings)),
            "irreversible": [
                "referralsClosed": .number(Decimal(irreversible.referralsClosed)),
                "teamMembersAdded": .number(Decimal(irreversible.teamMembersAdded)),
            ], "exitCode": .number(Decimal(Int(exitStatus.rawValue))),
            "aborted": .bool(abortReason != nil), "dryRun": .bool(dryRun), "abortReason": abortReason.map(JSONValue.string) ?? .null,
            "correlationId": correlationID.map(JSONValue.string) ?? .null,
        ]
    }

    /// `120 documents: updated 100 · unchanged 15 · failed 5 in 3.2 s (37 rows/s)`
    package var oneLine: String {
        let counts = Outcome.Kind.allCases.compactMap { kind in
            self.counts[kind].map { "\(kind.rawValue) \($0)" }
        }.joined(separator: " · ")
        let rate = wallSeconds > 0 ? Int((Double(rows) / wallSeconds).rounded()) : 0
        // An aborted run that finished nothing did not find "nothing to do": it did nothing.
        let none = abortReason == nil ? "nothing to do" : "none finished before the run stopped"
        var line = "\(documents) document(s): \(counts.isEmpty ? none : counts) in \(String(format: "%.2f", wallSeconds)) s (\(rate) rows/s)"
        if let correlationID { line += "\ncorrelation id (MS-CorrelationId of every call): \(correlationID)" }
        if !irreversible.isEmpty { line += "\n\(irreversible): \(dryRun ? "a real run could not undo these" : "these cannot be undone")" }
        return line
    }
}
