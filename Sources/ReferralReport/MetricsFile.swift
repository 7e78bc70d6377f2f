import Foundation
import Glibc
import ReferralOutcome
import SystemPackage

/// `--metrics-file`: `RunMetrics` written the way node_exporter's textfile
/// collector needs, to a temporary file beside it and renamed over it, so
/// a scrape never reads half a file.
package struct MetricsFile: Sendable {
    package enum Failure: Error, Sendable, CustomStringConvertible {
        case cannotWrite(path: String, reason: String)

        package var description: String {
            switch self {
            case .cannotWrite(let path, let reason): "cannot write the metrics file \(path): \(reason)"
            }
        }
    }

    package let path: String
    package let labels: [(String, String)]

    package init(path: String, labels: [(String, String)]) {
        self.path = path
        self.labels = labels
    }

    /// `signIn`: the token cache's sign-in and refresh token times, when the run used one.
    package func write(_ summary: RunSummary, signIn: SignInTimes? = nil) throws(Failure) {
        let previous = try? String(contentsOfFile: path, encoding: .utf8)
        let bytes = Array(RunMetrics.text(summary, labels: labels, previous: previous, signIn: signIn).utf8)
        // Not *.prom: the collector ignores it until the rename.
        let temporary = "\(path).\(getpid()).tmp"
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(
                FilePath(temporary), .writeOnly, options: [.create, .truncate, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw .cannotWrite(path: path, reason: "\(error)")
        }
        do {
            try descriptor.closeAfter {
                try descriptor.writeAll(bytes)
                guard fsync(descriptor.rawValue) == 0 else { throw Errno(rawValue: errno) }
            }
            guard rename(temporary, path) == 0 else { throw Errno(rawValue: errno) }
        } catch {
            unlink(temporary)
            throw .cannotWrite(path: path, reason: "\(error)")
        }
    }
}
