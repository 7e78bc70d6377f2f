import Foundation
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

    /// The bytes still buffered when the report is finished fail at the last
    /// flush: sealing says so, so `finish` publishes nothing cut short.
    @Test func aFileWhoseLastBytesFailIsNotSealed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let folder = try ReportFolder.create(at: path)
        let descriptor = try FileDescriptor.open("/dev/full", .writeOnly, options: .closeOnExec)
        let output = FileOutput(descriptor: descriptor, bufferSize: 1 << 20, path: "\(path)/results.csv")
        output.write("lines,referral_id,outcome\n")
        try output.check()  // still buffered: nothing has failed yet
        #expect(throws: ReportFolder.Refusal.cannotWrite(path: path + "/results.csv", errno: ENOSPC)) {
            try folder.seal("results.csv", output)
        }
        #expect(!FileManager.default.fileExists(atPath: path + "/results.csv"))
    }

    @Test func anAbortedRunThatFinishedNothingDoesNotSayNothingToDo() {
        var summary = RunSummary()
        #expect(summary.oneLine.contains("nothing to do"))
        summary.abortReason = "cannot reach https://api.example: connection refused"
        #expect(!summary.oneLine.contains("nothing to do"))
        #expect(summary.oneLine.contains("none finished before the run stopped"))
    }
}
