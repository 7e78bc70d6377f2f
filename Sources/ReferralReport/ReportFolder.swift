import Foundation
import Glibc
import ReferralModel
import ReferralPlan
import SystemPackage

/// The report's folder: created `0700` (it holds customer contact data),
/// files inside it `0600` whatever the umask. An existing folder is reused
/// only when it is one of ours (it holds `marker`): a resumed run refreshes
/// the file's report in place, every file written aside and renamed over
/// the old one, so the folder always holds a whole report. Any other
/// existing path is refused.
package struct ReportFolder: Sendable {
    /// Why the folder, or a file in it, cannot be had.
    package enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// mkdir failed with `errno` for a reason other than the folder existing.
        case cannotCreateFolder(path: String, errno: Int32)
        /// `path` exists and has no `marker` in it.
        case notAReportFolder(path: String)
        /// The file `path` could not be created.
        case cannotCreateFile(path: String, errno: Int32)
        /// The file `path` could not be written or put in place.
        case cannotWrite(path: String, errno: Int32)

        package var description: String {
            switch self {
            case .cannotCreateFolder(let path, let errno): "cannot create the report folder \(path): \(String(cString: strerror(errno)))."
            case .notAReportFolder(let path):
                "cannot use \(path) as the report folder: it exists and is not a report folder of this tool (no \(ReportFolder.marker) in it)."
            case .cannotCreateFile(let path, let errno): "cannot create \(path): \(String(cString: strerror(errno)))."
            case .cannotWrite(let path, let errno): "cannot write \(path): \(String(cString: strerror(errno)))."
            }
        }
    }

    package let path: String

    /// `referral-bulk-20261124T224501Z` in the current directory.
    package static func defaultName(now: Date = Date()) -> String {
        let stamp = UTCDateTime(date: now).description
            .replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        return "referral-bulk-\(stamp)"
    }

    /// The file that says a folder is a report folder of this tool.
    package static let marker = ".referral-bulk-report"

    /// Creates the folder, or reuses one of ours; refuses anything else that exists.
    package static func create(at path: String) throws(Refusal) -> ReportFolder {
        if mkdir(path, 0o700) != 0 {
            guard errno == EEXIST else {
                throw .cannotCreateFolder(path: path, errno: errno)
            }
            guard access(path + "/" + marker, F_OK) == 0 else {
                throw .notAReportFolder(path: path)
            }
            return ReportFolder(path: path)
        }
        chmod(path, 0o700)  // mkdir's mode is filtered by the umask
        let folder = ReportFolder(path: path)
        try folder.writeAtomically(marker, Array("referral-bulk report folder\n".utf8))
        return folder
    }

    /// Opens `name`'s new version for writing, beside the current one;
    /// `publish` puts it in place.
    package func createReplacement(_ name: String) throws(Refusal) -> FileOutput {
        unlink(path + "/" + Self.partial(name))  // left by a run that was killed
        return try createFile(Self.partial(name))
    }

    /// Renames `name`'s new version over the old one.
    package func publish(_ name: String) throws(Refusal) {
        guard rename(path + "/" + Self.partial(name), path + "/" + name) == 0 else {
            throw .cannotWrite(path: path + "/" + name, errno: errno)
        }
    }

    private static func partial(_ name: String) -> String { ".\(name).partial" }

    /// Opens a new file in the folder, `0600`, for writing.
    package func createFile(_ name: String) throws(Refusal) -> FileOutput {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(
                FilePath(path + "/" + name), .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                permissions: [.ownerReadWrite])
        } catch {
            throw .cannotCreateFile(path: path + "/" + name, errno: (error as? Errno)?.rawValue ?? EIO)
        }
        fchmod(descriptor.rawValue, 0o600)  // open's mode is filtered by the umask
        return FileOutput(descriptor: descriptor, bufferSize: 16 * 1024, path: path + "/" + name)
    }

    /// Writes a whole file atomically: a temporary file, synced, then renamed.
    package func writeAtomically(_ name: String, _ bytes: [UInt8]) throws(Refusal) {
        let output = try createReplacement(name)
        output.write(bytes: bytes)
        try seal(name, output)
        try publish(name)
    }

    /// Syncs and closes `name`'s new version, then throws if any write,
    /// the sync or the close failed: only a sealed file may be published.
    package func seal(_ name: String, _ output: FileOutput) throws(Refusal) {
        output.sync()
        output.close()
        do {
            try output.check()
        } catch {
            throw .cannotWrite(path: path + "/" + name, errno: error.errno)
        }
    }
}
