import Glibc
import SystemPackage
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend
@testable import ReferralReport

@Suite struct OutputFailureTests {
    /// `/dev/full` answers every write with ENOSPC, as a full disk does.
    @Test func aWriteToAFullDiskIsRememberedAndNamesTheFile() throws {
        let descriptor = try FileDescriptor.open("/dev/full", .writeOnly, options: .closeOnExec)
        let output = FileOutput(descriptor: descriptor, bufferSize: 16, path: "report/results.csv")
        defer { output.close() }
        try output.check()  // nothing written yet
        output.write(String(repeating: "x", count: 100))
        #expect(throws: OutputFailure(path: "report/results.csv", errno: ENOSPC)) { try output.check() }
        #expect(OutputFailure(path: "report/results.csv", errno: ENOSPC).description == "cannot write report/results.csv: No space left on device")
    }

    @Test func anAbortedRunThatFinishedNothingDoesNotSayNothingToDo() {
        var summary = RunSummary()
        #expect(summary.oneLine.contains("nothing to do"))
        summary.abortReason = "cannot reach https://api.example: connection refused"
        #expect(!summary.oneLine.contains("nothing to do"))
        #expect(summary.oneLine.contains("none finished before the run stopped"))
    }
}
