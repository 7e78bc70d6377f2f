import Foundation
import Glibc
import ReferralModel
import ReferralOutcome
import ReferralReport
import ReferralRun
import ReferralSend
import Testing

@testable import ReferralSandbox

/// The servers real proxies, gateways and broken deployments are, played
/// by the sandbox: every row gets the outcome that really happened, and
/// the sandbox's log shows what the server really did.
@Suite struct HostileServerTests {
    @Test(arguments: [HostileMode.htmlReads, .emptyReads, .truncatedReads])
    func anUnreadableReadIsFailedNeverUpdatedAndTriedAgainNextRun(mode: HostileMode) async throws {
        let referrals = openReferrals(20, seed: 61)
        try await ApplyHarness.with(sandbox: { $0.hostile = mode }, referrals: referrals) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            let first = try await harness.apply(input, report: "first")
            let rows = try harness.rows("first", "results.csv").dropFirst()
            #expect(rows.count == 20)
            #expect(rows.allSatisfy { $0[2] == "failed" && $0[5].hasPrefix("the answer to the read was") }, "\(rows.first ?? [])")
            #expect(first.exitStatus == .someRowsNotApplied)
            #expect(harness.sandbox.changeLog().isEmpty)
            #expect(try harness.rows("first", "retry.csv").count == 21)
            // Nothing was journaled as finished: the next run tries every row again.
            let second = try await harness.apply(input, report: "second")
            #expect(second.summary.counts[.skipped] == nil)
            #expect(second.summary.counts[.failed] == 20)
        }
    }

    @Test func aRedirectedWriteIsFailedAndNothingReachesTheOtherHost() async throws {
        let referrals = openReferrals(20, seed: 62)
        let other = try await SandboxServer.start(SandboxConfiguration(), referrals: referrals)
        do {
            try await ApplyHarness.with(sandbox: { $0.hostile = .redirectWrites(to: other.baseURL) }, referrals: referrals) { harness in
                let result = try await harness.apply(try harness.write("input.csv", wideInput(referrals)), report: "run")
                let rows = try harness.rows("run", "results.csv").dropFirst()
                #expect(rows.count == 20)
                #expect(rows.allSatisfy { $0[2] == "failed" && $0[3] == "307" }, "\(rows.first ?? [])")
                #expect(rows.allSatisfy { $0[5] == "redirected (307) to 127.0.0.1; redirects are not followed" })
                #expect(result.exitStatus == .someRowsNotApplied)
                #expect(harness.sandbox.changeLog().isEmpty)
                #expect(other.changeLog().isEmpty)  // no patch, no token went where the redirect pointed
            }
        } catch {
            await other.stop()
            throw error
        }
        await other.stop()
    }

    @Test func aTricklingBodyTimesOutInsteadOfHanging() async throws {
        let referrals = openReferrals(4, seed: 63)
        // One byte every 200 ms: a referral's few hundred bytes would take minutes per read.
        try await ApplyHarness.with(sandbox: { $0.hostile = .trickleReads(interval: .milliseconds(200)) }, referrals: referrals) { harness in
            let started = ContinuousClock.now
            let result = try await harness.apply(try harness.write("input.csv", wideInput(referrals)), report: "run") {
                $0.requestTimeout = .seconds(1)
                $0.sender.retry = RetryPolicy(maxAttempts: 2, base: .milliseconds(5), cap: .milliseconds(50))
            }
            let rows = try harness.rows("run", "results.csv").dropFirst()
            #expect(rows.count == 4)
            #expect(rows.allSatisfy { $0[2] == "failed" && $0[5] == "no answer (timed out) after 2 attempts" }, "\(rows.first ?? [])")
            #expect(result.exitStatus == .someRowsNotApplied)
            #expect(ContinuousClock.now - started < .seconds(90))
            #expect(harness.sandbox.changeLog().isEmpty)
        }
    }

    @Test(arguments: ["refused", "dns", "tls"])
    func anEndpointThatCannotBeReachedAbortsInSecondsSayingWhy(kind: String) async throws {
        let referrals = openReferrals(200, seed: 64)
        try await ApplyHarness.with(referrals: referrals) { harness in
            let (endpoint, reason) =
                switch kind {
                case "refused": ("http://127.0.0.1:\(try freeLoopbackPort())", "connection refused")
                case "dns": ("https://referrals.invalid", "DNS failure")
                default: ("https://127.0.0.1:\(harness.sandbox.port)", "TLS failure")  // the sandbox speaks plain HTTP
                }
            let started = ContinuousClock.now
            let result = try await harness.apply(try harness.write("input.csv", wideInput(referrals)), report: "run") {
                $0.sender.endpoint = endpoint
                $0.sender.retry = RetryPolicy()  // the real backoff: 0.5 s base, 6 attempts
            }
            let elapsed = ContinuousClock.now - started
            #expect(result.exitStatus == .aborted)
            #expect(result.summary.abortReason == "cannot reach \(endpoint): \(reason)")
            #expect(result.summary.documents - result.summary.counts[.unfinished, default: 0] < 50)
            #expect(!result.summary.oneLine.contains("nothing to do"))
            #expect(elapsed < .seconds(60), "took \(elapsed)")
            #expect(harness.sandbox.changeLog().isEmpty)
        }
    }
}

/// What only the executable shows: exit codes, and what it leaves on disk.
@Suite struct HostileStartTests {
    @Test func noTokenIsExit2BeforeAReportOrStateFolderIsCreated() async throws {
        try await ApplyHarness.with(referrals: openReferrals(3)) { harness in
            let input = try harness.write("input.csv", wideInput(openReferrals(3)))
            let report = harness.folder.appendingPathComponent("report").path
            let state = harness.folder.appendingPathComponent("state").path
            let arguments = ["apply", input, "--endpoint", harness.sandbox.baseURL, "--report-dir", report, "--state-dir", state]
            // No token cache either: an empty config folder, whatever this machine's user signed in to.
            let missing = try await ChildProcess.run(
                arguments, environment: ["PARTNER_CENTER_TOKEN": "", "XDG_CONFIG_HOME": harness.folder.appendingPathComponent("config").path])
            #expect(missing.status == 2)
            for option in ["PARTNER_CENTER_TOKEN", "--token-file", "--token-command", "--sandbox"] {
                #expect(missing.output.contains(option), "\(option)")
            }
            let tokenFile = try harness.write("token", "\(harness.sandbox.tokens[.referralAdmin]!)\nsecond-line\n")
            let twoLines = try await ChildProcess.run(arguments + ["--token-file", tokenFile], environment: [:])
            #expect(twoLines.status == 2)
            #expect(twoLines.output.contains("line break"))
            #expect(!twoLines.output.contains(harness.sandbox.tokens[.referralAdmin]!))
            #expect(!FileManager.default.fileExists(atPath: report))
            #expect(!FileManager.default.fileExists(atPath: state))
            #expect(harness.sandbox.changeLog().isEmpty)
        }
    }

    /// A file-size limit (`ulimit -f`) fails report and journal writes the
    /// way a full disk does: the run stops with exit 3 naming the file,
    /// and the same command, once there is room, finishes the file.
    @Test func aFileThatCannotBeWrittenStopsTheRunAndTheSameCommandFinishesOnceThereIsRoom() async throws {
        let referrals = openReferrals(300, seed: 65)
        try await ApplyHarness.with(referrals: referrals) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            func command(_ report: String) -> [String] { harness.childApply(input, report: report) }
            let environment = harness.childEnvironment
            // 256 blocks of 512 bytes per file: room for the journal's schema, far
            // less than the journal's write-ahead log of 300 outcomes (a page each).
            let limited = try await ChildProcess.run(
                ["-c", "trap '' XFSZ; ulimit -f 256; exec \"$0\" \"$@\"", ChildProcess.binary] + command("full"), environment: environment,
                executable: "/bin/sh")
            #expect(limited.status == 3, "\(limited.output)")
            #expect(limited.output.contains("cannot write \(harness.folder.path)/"), "\(limited.output)")
            // The file that hit the limit, and the system's reason (SQLite reports its own as an I/O error).
            #expect(limited.output.contains("File too large") || limited.output.contains("journal.sqlite: Input/output error"))
            let resumed = try await ChildProcess.run(command("resumed"), environment: environment)
            #expect(resumed.status == 0, "\(resumed.output)")
            let rows = try harness.rows("resumed", "results.csv").dropFirst()
            #expect(rows.count == 300)
            #expect(rows.allSatisfy { ["skipped", "updated", "unchanged"].contains($0[2]) })
            let perReferral = Dictionary(grouping: harness.sandbox.changeLog(), by: \.referralID)
            #expect(perReferral.count == 300)
            #expect(perReferral.values.allSatisfy { $0.count == 1 })  // nothing applied twice
        }
    }
}

@Suite struct SignalWakesRetriesTests {
    /// The server asks every request to wait a day; the first SIGTERM must
    /// end the run at once (exit 3, report written), not after the wait,
    /// even with a grace period of an hour for requests in flight.
    @Test func aFirstSIGTERMWakesARetryTheServerAskedToWaitADayFor() async throws {
        let referrals = openReferrals(10, seed: 66)
        try await ApplyHarness.with(sandbox: { $0.hostile = .throttleEverything(retryAfter: 86_400) }, referrals: referrals) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            let report = harness.folder.appendingPathComponent("run").path
            let log = harness.folder.appendingPathComponent("stderr")
            try Data().write(to: log)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ChildProcess.binary)
            process.arguments = [
                "apply", input, "--endpoint", harness.sandbox.baseURL, "--report-dir", report, "--grace-period", "1h",
                "--state-dir", harness.folder.appendingPathComponent("state").path, "--log-level", "trace",
                // A day is within the limit: the run waits it (with the default
                // 120 s it would stop by itself after a few such answers, a race
                // with the signal that a loaded machine lost).
                "--max-retry-after", "86400s",
            ]
            process.environment = ["PARTNER_CENTER_TOKEN": harness.sandbox.tokens[.referralAdmin]!, "PATH": "/usr/bin:/bin"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
            // The trace log's "attempt" line: a 429 came back and the retry is waiting.
            let waiting = try await ChildProcess.wait {
                ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("attempt")
            }
            #expect(waiting)
            let signalled = ContinuousClock.now
            process.terminate()
            let exited = try await ChildProcess.wait(until: { !process.isRunning }, attempts: 600)
            if !exited { kill(process.processIdentifier, SIGKILL) }
            #expect(exited)
            #expect(ContinuousClock.now - signalled < .seconds(30))
            #expect(process.terminationStatus == 3)
            let summary = try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: report + "/summary.json")))
            #expect(summary["abortReason"] == "interrupted by signal 15")
            #expect(harness.sandbox.changeLog().isEmpty)
        }
    }
}

@Suite struct RejectedTokenTests {
    /// A token that cannot be refreshed, and a command that hands out a new
    /// token every time the server rejects the last one: both stop the run
    /// within a few documents, exit 3, saying the credentials were rejected.
    @Test(arguments: ["static", "command"])
    func aServerThatRejectsEveryTokenAbortsTheRun(kind: String) async throws {
        let referrals = openReferrals(200, seed: 67)
        try await ApplyHarness.with(referrals: referrals) { harness in
            let tokens: any TokenProvider =
                kind == "static" ? StaticTokenProvider(Secret("not-a-sandbox-token")) : CommandTokenProvider(command: "echo rejected-$$")
            let started = ContinuousClock.now
            let result = try await harness.apply(try harness.write("input.csv", wideInput(referrals)), report: "run", tokens: tokens)
            #expect(result.exitStatus == .aborted)
            #expect(result.summary.abortReason?.hasPrefix("credentials rejected: ") == true, "\(result.summary.abortReason ?? "")")
            #expect(result.summary.documents - result.summary.counts[.unfinished, default: 0] < 50)
            #expect(ContinuousClock.now - started < .seconds(60))
            #expect(harness.sandbox.changeLog().isEmpty)
        }
    }
}
