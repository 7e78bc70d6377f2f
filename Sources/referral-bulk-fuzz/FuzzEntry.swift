import Foundation
import ReferralPlan


/// The fuzz target of the reader and the planner: any bytes, as a CSV file,
/// through `plan` (and its JSON output) with each delimiter choice. Built by
/// `scripts/fuzz` with `-sanitize=fuzzer,address -DFUZZING`; in an ordinary
/// build it replays the files named on its command line, which is how a
/// crash the fuzzer found is reproduced.
enum FuzzHarness {
    static let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("referral-bulk-fuzz-\(ProcessInfo.processInfo.processIdentifier).csv").path

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(buffer: bytes))
        for delimiter in [nil, UInt8(ascii: ";"), UInt8(0x09)] {
            guard let planner = try? InputFile.planner(path: path, options: ReadingOptions(delimiter: delimiter, ignoreUnknownColumns: delimiter != nil))
            else { continue }
            // Bounded, like every loop the fuzzer drives.
            for _ in 0..<10_000 {
                guard let document = try? planner.next() else { break }
                _ = document.planLine(pretty: delimiter == nil)
                _ = document.problems.map(\.description)
            }
        }
    }
}

#if FUZZING
/// libFuzzer's entry for programs that have their own `main` (SwiftPM names
/// an executable's entry point after its module, so we hand it to libFuzzer).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("LLVMFuzzerTestOneInput")
package func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    FuzzHarness.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

@_cdecl("referral_bulk_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzTestOneInput)
}
#else
@main
struct FuzzReplay {
    static func main() throws {
        for file in CommandLine.arguments.dropFirst() {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            data.withUnsafeBytes { FuzzHarness.run($0.bindMemory(to: UInt8.self)) }
            print("replayed \(file): no crash")
        }
    }
}
#endif
