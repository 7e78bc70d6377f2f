import Foundation
import ReferralInput
import ReferralModel
import ReferralOutcome
import ReferralReport
import ReferralRun
import ReferralSandboxTesting
import ReferralSend
import Testing

@testable import ReferralSandbox

/// report.html opened in a real browser: headless Chromium renders it, and
/// its DOM must show the counts and the hostile values as text, with no
/// element a script could come from.
@Suite struct ReportBrowserTests {
    static let hostileNote = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>"

    /// Debian's `chromium`, or Ubuntu's `chromium-browser`, on the PATH.
    static let browser: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser"] {
            for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }()

    /// The page's DOM after Chromium rendered it (scripts, if any, would have run).
    static func renderedDOM(of file: String, browser: String) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        // --no-sandbox: tests may run as root, where Chromium's sandbox refuses to start.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", URL(fileURLWithPath: file).absoluteString]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A browser that hangs must not hang the suite: it is stopped after two minutes.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(120))
            process.terminate()
        }
        let dom = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        return dom
    }

    @Test(.enabled(if: browser != nil, "skipped: no chromium or chromium-browser on the PATH (scripts/bootstrap installs Debian's chromium)"))
    func theReportRendersInABrowserWithHostileValuesAsTextAndNoScript() async throws {
        let browser = try #require(Self.browser)
        var referrals = TestSandbox.sampleReferrals()
        // The server holds a hostile note too: the before-value comes from it.
        if case .object(var fields) = referrals[1], case .object(var details) = fields["details"] {
            details["notes"] = .string(Self.hostileNote)
            fields["details"] = .object(details)
            referrals[1] = .object(fields)
        }
        try await ApplyHarness.with(sandbox: { $0.seed = 5; $0.failRate = 0.3; $0.rateLimit = 40 }, referrals: referrals) { harness in
            let csv = CSVWriter()
            var bytes = csv.row(["id", "notes"])
            for referral in referrals.prefix(40) { bytes += csv.row([referral["id"]!.stringValue!, Self.hostileNote]) }
            let input = try harness.write("input.csv", String(decoding: bytes, as: UTF8.self))
            let result = try await harness.apply(input, report: "dry") {
                $0.sender.dryRun = true
                $0.sender.retry = RetryPolicy(maxAttempts: 2, base: .milliseconds(1), cap: .milliseconds(2))
            }
            #expect(result.summary.retries > 0, "the faults happened")
            let dom = try await Self.renderedDOM(of: harness.path("dry", "report.html"), browser: browser)
            #expect(dom.contains("</html>"), "Chromium rendered nothing: \(dom.prefix(300))")
            for (kind, count) in result.summary.counts {
                let header = kind.isSettled ? "<th>" : "<th class=\"unsettled\">"
                #expect(dom.contains("\(header)\(kind.rawValue)</th><td class=\"number\">\(count)</td>"), "\(kind) \(count)")
            }
            // The note shows as text, from the file and from the server...
            #expect(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;\"&gt;&lt;img src=x onerror=alert(1)&gt;"))
            // ...and became no element: no script, no image, no event handler attribute.
            #expect(!dom.contains("<script"))
            #expect(!dom.contains("<img"))
            #expect(!dom.contains("onerror=\""))
        }
    }
}
