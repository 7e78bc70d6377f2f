import Foundation
import Glibc
import ReferralSandbox
import Testing

/// One run per job at a time, shown with real processes: cron firing while
/// the last run still goes must not send the same changes twice.
@Suite struct RunLockTests {
    @Test func aSecondRunOfTheSameJobExits3NamingTheFirstAndKill9LeavesNoLock() async throws {
        let referrals = openReferrals(300, seed: 21)
        try await ApplyHarness.with(sandbox: { $0.latency = .milliseconds(100) }, referrals: referrals) { harness in
            let input = try harness.write("input.csv", wideInput(referrals))
            let first = try ChildProcess.start(harness.childApply(input, report: "first") + ["--no-preflight"], environment: harness.childEnvironment)
            defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
            #expect(try await ChildProcess.wait { harness.sandbox.changeLog().count > 5 })

            let second = try await ChildProcess.run(
                harness.childApply(input, report: "second") + ["--no-preflight"], environment: harness.childEnvironment)
            #expect(second.status == 3)
            #expect(second.output.contains("another run of this job is going on (process \(first.processIdentifier) since "))
            #expect(!FileManager.default.fileExists(atPath: harness.folder.appendingPathComponent("second").path))

            // Another shard of the same file is another job: it is not blocked.
            let shard = try await ChildProcess.run(
                harness.childApply(input, report: "shard") + ["--shard", "1/2"], environment: harness.childEnvironment)
            #expect(!shard.output.contains("another run"))

            // kill -9 leaves no lock behind: the next run starts and resumes.
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
            let third = try await ChildProcess.run(
                harness.childApply(input, report: "third") + ["--no-preflight"], environment: harness.childEnvironment)
            #expect(third.status == 0 || third.status == 1, "\(third.output)")
            #expect(!third.output.contains("another run"))
        }
    }
}
