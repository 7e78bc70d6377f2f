import Foundation
import ReferralSandbox
import ReferralSandboxTesting
import Testing

/// `referral-bulk export` as a user runs it: exit codes, and the file only when complete.
@Suite struct ExportProcessTests {
    private func run(_ arguments: [String], token: String) async throws -> Int32 {
        let process = try ChildProcess.start(arguments, environment: ["PARTNER_CENTER_TOKEN": token])
        let exited = try await ChildProcess.wait { !process.isRunning }
        if !exited { process.terminate() }
        #expect(exited)
        return process.terminationStatus
    }

    @Test func exitCodesAre0Written2RefusedAnd3WhenTheTokenIsRejected() async throws {
        try await ApplyHarness.with(referrals: TestSandbox.sampleReferrals()) { harness in
            let token = harness.sandbox.tokens[.referralAdmin]!
            let endpoint = ["--endpoint", harness.sandbox.baseURL, "--top-page", "9"]
            let written = harness.file("closed.csv")
            #expect(try await run(["export", "--status", "closed", "-o", written] + endpoint, token: token) == 0)
            #expect(ChildProcess.lineCount(written) == 16)  // the header and the 15 Closed referrals
            let refused = harness.file("refused.csv")
            #expect(try await run(["export", "--filter", "status eq Closed", "-o", refused] + endpoint, token: token) == 2)
            #expect(try await run(["export", "--status", "Finished", "-o", refused] + endpoint, token: token) == 2)
            #expect(try await run(["export", "--columns", "Notes", "-o", refused] + endpoint, token: token) == 2)
            #expect(try await run(["export", "-o", refused] + endpoint, token: "sbx-not-a-token") == 3)
            let left = try harness.files()
            #expect(left == ["closed.csv"])
        }
    }
}
