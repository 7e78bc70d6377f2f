import Foundation
import Glibc

/// `--metrics-file`: `RunMetrics` written the way node_exporter's textfile
/// collector needs, to a temporary file beside it and renamed over it, so
/// a scrape never reads half a file.
public struct MetricsFile: Sendable {
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case cannotWrite(path: String, reason: String)

        public var description: String {
            switch self {
            case .cannotWrite(let path, let reason): "cannot write the metrics file \(path): \(reason)"
            }
        }
    }

    public let path: String
    public let labels: [(String, String)]

    public init(path: String, labels: [(String, String)]) {
        self.path = path
        self.labels = labels
    }

    public func write(_ summary: RunSummary) throws(Failure) {
        let previous = try? String(contentsOfFile: path, encoding: .utf8)
        let bytes = Array(RunMetrics.text(summary, labels: labels, previous: previous).utf8)
        // Not *.prom: the collector ignores it until the rename.
        let temporary = "\(path).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            written += count
        }
        let reason = String(cString: strerror(errno))
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw .cannotWrite(path: path, reason: written == bytes.count ? String(cString: strerror(errno)) : reason)
        }
    }
}
