import Foundation

/// Runs the real `referral-bulk` executable as a child process, for what only
/// a process can show: signals and exit codes. On Foundation's `Process`, not
/// swift-subprocess as the product's `--token-command` is: the tests hold a
/// running child across awaits (its pid for signals, `isRunning` polled while
/// a sandbox is asked what happened), which Subprocess gives only inside its
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

    /// Runs to the end (bounded: `attempts` × 50 ms, then killed) and returns the exit status and
    /// everything written to standard output and error.
    static func run(_ arguments: [String], environment: [String: String], executable: String = binary, attempts: Int = 2400) async throws
        -> (status: Int32, output: String)
    {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("referral-bulk-output-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: capture) }
        let process = try start(arguments, environment: environment, executable: executable, output: capture)
        let exited = try await wait(until: { !process.isRunning }, attempts: attempts)
        if !exited {
            process.terminate()
            process.waitUntilExit()
        }
        return (process.terminationStatus, (try? String(contentsOf: capture, encoding: .utf8)) ?? "")
    }

    /// Lines of a report file (CRLF-ended: count the line feeds, not Characters).
    static func lineCount(_ path: String) -> Int {
        ((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()).count { $0 == 0x0A }
    }
}
