import Foundation
import Glibc
import Testing

/// A real nginx (Debian's nginx-light, installed by scripts/bootstrap) as a
/// reverse proxy on a loopback port this test picked, in front of
/// `upstreamPort`: its own nginx.conf in a temporary folder, run in the
/// foreground, stopped when the body ends. A missing nginx fails the test:
/// it is part of what the suite proves, never skipped.
struct NginxProxy {
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    static let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs `body` with nginx proxying to `127.0.0.1:upstreamPort`; `server` adds directives to the server block.
    static func with<T>(upstreamPort: Int, server: String = "", _ body: (NginxProxy) async throws -> T) async throws -> T {
        let nginx = try #require(binary, "nginx is not installed: run scripts/bootstrap (it installs nginx-light)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("referral-bulk-nginx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = try freeLoopbackPort()
        let prefix = folder.path
        // Root may run the tests: nginx then wants a user for its workers; root's own keeps the temp folder writable.
        let user = getuid() == 0 ? "user root;" : ""
        let configuration = """
            \(user)
            worker_processes 1;
            daemon off;
            pid \(prefix)/nginx.pid;
            error_log \(prefix)/error.log warn;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path \(prefix)/body;
                proxy_temp_path \(prefix)/proxy;
                fastcgi_temp_path \(prefix)/fastcgi;
                uwsgi_temp_path \(prefix)/uwsgi;
                scgi_temp_path \(prefix)/scgi;
                server {
                    listen 127.0.0.1:\(port);
                    \(server)
                    location / {
                        proxy_pass http://127.0.0.1:\(upstreamPort);
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_connect_timeout 2s;
                    }
                }
            }

            """
        let file = folder.appendingPathComponent("nginx.conf")
        try Data(configuration.utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-p", prefix, "-c", file.path, "-e", "\(prefix)/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        try await waitUntilListening(port: port, process: process, log: "\(prefix)/error.log")
        return try await body(NginxProxy(port: port))
    }

    /// Polls until nginx accepts connections (at most 10 s), failing with its log if it exits.
    static func waitUntilListening(port: Int, process: Process, log: String) async throws {
        for _ in 0..<200 {
            try #require(process.isRunning, "nginx exited: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            if accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("nginx did not listen on \(port) within 10 s")
    }

    static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
