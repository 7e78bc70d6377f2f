import Foundation
import Glibc
import Testing

/// nginx (Debian nginx-light) as a rate or concurrency limiter in front of
/// a sandbox: a limiter nobody here wrote. `scripts/nginx-limiter` writes
/// its nginx.conf into a temporary folder, listens on a loopback port it
/// picked, proxies to the sandbox and runs in the foreground, one process,
/// until `stop` kills it; scripts/bench-throttle runs the same script, so
/// tests and benchmarks meet the same configuration.
///
/// (Issue 20 adds an nginx reverse proxy for 502/413; the two launchers can
/// become one: this one takes its limits as the script's flags.)
final class NginxLimiter {
    let baseURL: String
    let folder: URL
    private let process: Process

    /// Starts nginx in front of `upstream` (`http://127.0.0.1:PORT`) with
    /// `scripts/nginx-limiter`'s flags, e.g. `["--rate", "10r/s", "--retry-after", "1"]`.
    init(upstream: String, _ flags: [String]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("referral-bulk-nginx-\(UUID().uuidString)")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/nginx-limiter")
        process = Process()
        process.executableURL = script
        process.arguments = [folder.path, upstream] + flags
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The script prints its URL, then becomes nginx.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let url = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard url.hasPrefix("http://127.0.0.1:") else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Failure.didNotStart(url)
        }
        baseURL = url
        try waitUntilListening()
    }

    enum Failure: Error, CustomStringConvertible {
        case didNotStart(String)
        case notListening(String)
        var description: String {
            switch self {
            case .didNotStart(let output): "nginx-limiter did not start (is nginx-light installed? scripts/bootstrap): \(output)"
            case .notListening(let url): "nginx did not listen on \(url) within 10 s"
            }
        }
    }

    /// Bounded: 100 tries, 100 ms apart.
    private func waitUntilListening() throws {
        let port = Int(baseURL.split(separator: ":").last!)!
        for _ in 0..<100 {
            if Self.accepts(port: port) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        throw Failure.notListening(baseURL)
    }

    private static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// nginx's own count: answers by status, from its access log (`msec status`).
    func statuses() throws -> [Int: Int] {
        let log = try String(contentsOf: folder.appendingPathComponent("access.log"), encoding: .utf8)
        var counts: [Int: Int] = [:]
        for line in log.split(separator: "\n") {
            if let status = line.split(separator: " ").last.flatMap({ Int($0) }) { counts[status, default: 0] += 1 }
        }
        return counts
    }

    /// Kills nginx (it runs in the foreground, one process, so SIGKILL leaves
    /// nothing behind; SIGTERM may wait on idle keep-alive connections) and
    /// removes its folder.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `body` with nginx in front of `upstream`, and stops it whatever happens.
    static func with<T>(upstream: String, _ flags: [String], _ body: (NginxLimiter) async throws -> T) async throws -> T {
        let nginx = try NginxLimiter(upstream: upstream, flags)
        do {
            let result = try await body(nginx)
            nginx.stop()
            return result
        } catch {
            nginx.stop()
            throw error
        }
    }
}
