import Foundation
import ReferralModel
import Testing

@testable import ReferralSandbox

/// What only a process can show: signals, exit codes, files left behind (`ChildProcess` starts it).
@Suite struct ChildProcessTests {
    @Test func sigintFinishesWhatIsInFlightWritesTheReportAndExits3() async throws {
        let referrals = openReferrals(300, seed: 8)
        try await ApplyHarness.with(sandbox: { $0.latency = .milliseconds(100) }, referrals: referrals) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            let report = harness.folder.appendingPathComponent("run").path
            let process = try ChildProcess.start(
                [
                    "apply", input, "--endpoint", harness.sandbox.baseURL, "--concurrency", "2", "--report-dir", report,
                    "--state-dir", harness.folder.appendingPathComponent("state").path,
                ],
                environment: ["PARTNER_CENTER_TOKEN": harness.sandbox.tokens[.referralAdmin]!])
            // Interrupt once some changes are in.
            let started = try await ChildProcess.wait { harness.sandbox.changeLog().count > 20 }
            #expect(started)
            process.interrupt()
            let exited = try await ChildProcess.wait { !process.isRunning }
            if !exited { process.terminate() }
            #expect(exited)
            #expect(process.terminationStatus == 3)
            // Every document is accounted for: what finished, and the rest unfinished (in retry.csv).
            let results = try harness.rows("run", "results.csv").dropFirst()
            #expect(results.count == 300)
            let unfinished = results.filter { $0[2] == "unfinished" }
            #expect(!unfinished.isEmpty)
            #expect(try harness.rows("run", "retry.csv").count - 1 == unfinished.count)
            // Nothing lost: every change the server applied is in the report.
            #expect(results.filter { $0[2] == "updated" }.count == harness.sandbox.changeLog().count)
            let summary = try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: report + "/summary.json")))
            #expect(summary["aborted"] == true)
        }
    }

    @Test func badOptionsAndUnusableFilesExit2WithOneSentence() async throws {
        let missing = try ChildProcess.start(["validate", "/nonexistent.csv"], environment: [:])
        missing.waitUntilExit()
        #expect(missing.terminationStatus == 2)
        let option = try ChildProcess.start(["apply", "x.csv", "--concurrency", "0"], environment: [:])
        option.waitUntilExit()
        #expect(option.terminationStatus == 2)
        let insecure = try ChildProcess.start(["apply", "x.csv", "--endpoint", "http://example.com"], environment: [:])
        insecure.waitUntilExit()
        #expect(insecure.terminationStatus == 2)
        for timeout in ["1e20s", "10000000000s", "nan", "-5s"] {
            let duration = try ChildProcess.start(["apply", "x.csv", "--timeout", timeout], environment: [:])
            duration.waitUntilExit()
            #expect(duration.terminationReason == .exit, "--timeout \(timeout) crashed")
            #expect(duration.terminationStatus == 2, "--timeout \(timeout)")
        }
        let refusals = [
            ["apply", "x.csv", "--max-retry-after", "1e300s"], ["apply", "x.csv", "--grace-period", "-1s"], ["apply", "x.csv", "--max-rps", "nan"],
            ["apply", "x.csv", "--max-rps", "inf"], ["apply", "x.csv", "--shard", "4/4"], ["apply", "x.csv", "--token-file", "t", "--token-command", "c"],
            ["apply", "x.csv", "--client-id", "app"], ["sandbox", "--port=-1"], ["sandbox", "--port", "70000"],
            ["sandbox", "--rate-limit", "nan"], ["sandbox", "--rate-limit", "5", "--rate-schedule", "9999999999s:1"],
            ["sandbox", "--latency", "1e40ms"],
        ]
        // Bounded: a sandbox that started anyway is killed, and fails the test.
        for arguments in refusals {
            let (status, output) = try await ChildProcess.run(arguments, environment: [:], attempts: 600)
            #expect(status == 2, "\(arguments): \(output)")
        }
    }
}

@Suite struct CorpusThroughTheExecutableTests {
    /// `validate` and `plan`, as processes, on every file of the hostile-input
    /// corpus: no crash, and the exit codes the README lists.
    @Test func validateAndPlanExitAsExpectedOnEveryCorpusFile() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ReferralBulkTests/Fixtures/bad-input")
        let cases = try JSONParser.parse(Data(contentsOf: folder.appendingPathComponent("expectations.json"))).arrayValue ?? []
        #expect(cases.count >= 40)
        for testCase in cases {
            let file = folder.appendingPathComponent(testCase["file"]!.stringValue!).path
            for command in ["validate", "plan"] {
                let process = try ChildProcess.start([command, file], environment: [:])
                process.waitUntilExit()
                #expect(process.terminationReason == .exit, "\(command) \(file) crashed")
                #expect(.number(Decimal(Int(process.terminationStatus))) == testCase["exit"], "\(command) \(file)")
            }
        }
    }
}

@Suite struct SecretsTests {
    /// A whole `apply` at the most verbose log level, faults on, and the
    /// token never appears in any byte it writes: standard output and error,
    /// every report file, the journal.
    @Test func noTokenInAnyByteWrittenAtTraceLevel() async throws {
        let referrals = openReferrals(120, seed: 71)
        try await ApplyHarness.with(sandbox: { $0.seed = 4; $0.failRate = 0.2; $0.dropRate = 0.05 }, referrals: referrals) { harness in
            let token = harness.sandbox.tokens[.referralAdmin]!
            let input = try harness.write("input.csv", wideInput(referrals))
            let outputs = harness.folder.appendingPathComponent("outputs")
            try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
            try Data().write(to: outputs.appendingPathComponent("stdout"))
            try Data().write(to: outputs.appendingPathComponent("stderr"))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ChildProcess.binary)
            process.arguments = [
                "apply", input, "--endpoint", harness.sandbox.baseURL, "--log-level", "trace",
                "--report-dir", outputs.appendingPathComponent("report").path,
                "--state-dir", outputs.appendingPathComponent("state").path,
            ]
            process.environment = ["PARTNER_CENTER_TOKEN": token, "PATH": "/usr/bin:/bin"]
            process.standardOutput = try FileHandle(forWritingTo: outputs.appendingPathComponent("stdout"))
            process.standardError = try FileHandle(forWritingTo: outputs.appendingPathComponent("stderr"))
            try process.run()
            let finished = try await ChildProcess.wait(until: { !process.isRunning }, attempts: 2400)
            #expect(finished)
            let files = FileManager.default.enumerator(atPath: outputs.path)?.compactMap { $0 as? String } ?? []
            var bytesRead = 0
            for file in files {
                let path = outputs.appendingPathComponent(file).path
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                bytesRead += data.count
                #expect(data.range(of: Data(token.utf8)) == nil, "the token is in \(file)")
            }
            #expect(files.contains("report/results.csv"))
            #expect(bytesRead > 10_000)  // the trace log and reports were really there to search
        }
    }
}
