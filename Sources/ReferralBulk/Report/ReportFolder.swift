import Foundation
import Glibc

/// The report's folder: created `0700` (it holds customer contact data),
/// never an existing one, and files inside it created `0600` whatever the
/// umask.
public struct ReportFolder: Sendable {
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let path: String

    /// `referral-bulk-20261124T224501Z` in the current directory.
    public static func defaultName(now: Date = Date()) -> String {
        let seconds = Int64(now.timeIntervalSince1970)
        let stamp = UTCDateTime(secondsSinceEpoch: seconds).description
            .replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        return "referral-bulk-\(stamp)"
    }

    /// Creates the folder; refuses a path that exists.
    public static func create(at path: String) throws(Refusal) -> ReportFolder {
        if mkdir(path, 0o700) != 0 {
            let reason = errno == EEXIST ? "it already exists (a report is never overwritten)" : String(cString: strerror(errno))
            throw Refusal(description: "cannot create the report folder \(path): \(reason).")
        }
        chmod(path, 0o700)  // mkdir's mode is filtered by the umask
        return ReportFolder(path: path)
    }

    /// Opens a new file in the folder, `0600`, for writing.
    public func createFile(_ name: String) throws(Refusal) -> FileOutput {
        let descriptor = open(path + "/" + name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Refusal(description: "cannot create \(path)/\(name): \(String(cString: strerror(errno))).")
        }
        fchmod(descriptor, 0o600)
        return FileOutput(descriptor: descriptor, bufferSize: 16 * 1024, path: path + "/" + name)
    }

    /// Writes a whole file atomically: a temporary file, synced, then renamed.
    public func writeAtomically(_ name: String, _ bytes: [UInt8]) throws(Refusal) {
        let temporary = ".\(name).partial"
        let output = try createFile(temporary)
        output.write(bytes: bytes)
        output.sync()
        output.close()
        do {
            try output.check()
        } catch {
            throw Refusal(description: "cannot write \(path)/\(name): \(String(cString: strerror(error.errno))).")
        }
        guard rename(path + "/" + temporary, path + "/" + name) == 0 else {
            throw Refusal(description: "cannot write \(path)/\(name): \(String(cString: strerror(errno))).")
        }
    }
}
