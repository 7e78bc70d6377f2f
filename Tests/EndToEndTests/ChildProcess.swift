import Foundation
import Subprocess
import SystemPackage

/// Runs the real `referral-bulk` executable as a child process, for what only
/// a process can show: signals and exit codes. A run to its end is on
/// swift-subprocess, as the product's `--token-command` is. `start` stays on
/// Foundation's `Process`: those tests hold a running child across awaits
/// and other tests' steps (its pid for signals, `isRunning` polled while a
/// sandbox is asked what happened), which Subprocess gives only inside its
/// body closure.
enum ChildProcess {
    static var binary: String { BuiltExecutable.path() }

    /// Starts the executable; its standard output and error go to `output` (a file
    /// that can be read while it runs), or nowhere.
    static func start(_ arguments: [String], environment: [String: String], executable: String = binary, output: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let handle = try output.map { url in
            try Data().write(to: url)
            return try FileHandle(forWritingTo: url)
        }
        defer { try? handle?.close() }  // the child has its own copy
        process.standardOutput = handle ?? FileHandle.nullDevice
        process.standardError = handle ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Polls (bounded: `attempts` × 50 ms) until `condition` holds; false if it never did.
    static func wait(until condition: () -> Bool, attempts: Int = 600) async throws -> Bool {
        for _ in 0..<attempts {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    /// Runs to the end (bounded: `attempts` × 50 ms, then killed) and returns the exit status
    /// (the signal's number if one ended it) and everything written to standard output and error.
    static func run(_ arguments: [String], environment: [String: String], executable: String = binary, attempts: Int = 2400) async throws
        -> (status: Int32, output: String)
    {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("referral-bulk-output-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: capture) }
        // One file for both streams, interleaved as a terminal shows them.
        let file = try FileDescriptor.open(FilePath(capture.path), .writeOnly, options: [.create, .truncate], permissions: .ownerReadWrite)
        defer { try? file.close() }
        let updates = Dictionary(
            environment.compactMap { name, value in Environment.Key(rawValue: name).map { ($0, Optional(value)) } }, uniquingKeysWith: { $1 })
        let limit = Duration.milliseconds(50 * attempts)
        let ended = try await withThrowingTaskGroup(of: TerminationStatus?.self) { group in
            group.addTask {
                try await Subprocess.run(
                    .path(FilePath(executable)), arguments: Arguments(arguments), environment: .inherit.updating(updates),
                    output: .fileDescriptor(file, closeAfterSpawningProcess: false),
                    error: .fileDescriptor(file, closeAfterSpawningProcess: false)
                ).terminationStatus
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            // The first to end: the child, or the limit (cancelling the run kills the child).
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        let status: Int32 =
            switch ended {
            case .exited(let code)?: code
            case .signaled(let signal)?: signal
            case nil: SIGKILL
            }
        return (status, (try? String(contentsOf: capture, encoding: .utf8)) ?? "")
    }

    /// Lines of a report file (CRLF-ended: count the line feeds, not Characters).
    static func lineCount(_ path: String) -> Int {
        ((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()).count { $0 == 0x0A }
    }
}
