import Foundation
import Glibc
import ReferralPlan
import SystemPackage

/// One run per job at a time: an exclusive `flock` on a file beside the
/// journal, named after the input's fingerprint (which includes the shard,
/// so the shards of one file never block each other), held for the whole
/// life of the run. The kernel drops the lock when its process ends however
/// it ends (`kill -9` included), so a stale lock cannot exist; the pid and
/// start written in the file only tell a second run whom it waited for.
package final class JournalLock: Sendable {
    /// Another process holds the lock: the second run stops before sending anything.
    package struct Busy: Error, Sendable, Equatable, CustomStringConvertible {
        package var path: String
        /// What the holder wrote: its pid and when it started (nil while it is still writing them).
        package var holderPID: Int32?
        package var since: String?

        package var description: String {
            let holder = holderPID.map { "process \($0)" } ?? "another process"
            let started = since.map { " since \($0)" } ?? ""
            return "another run of this job is going on (\(holder)\(started) holds \(path)); this run sent nothing: try again when it has finished"
        }
    }

    package let path: String
    private let descriptor: FileDescriptor

    /// Takes the lock of `fingerprint` in `directory` at once, or throws `Busy`.
    package init(directory: String, fingerprint: String) throws(Journal.OpenError) {
        let path = "\(directory)/run-\(fingerprint).lock"
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(
                FilePath(path), .readWrite, options: [.create, .closeOnExec], permissions: [.ownerReadWrite])
        } catch {
            throw .lock(path: path, errno: (error as? Errno)?.rawValue ?? EIO)
        }
        guard flock(descriptor.rawValue, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            let holder = try? String(contentsOfFile: path, encoding: .utf8)
            try? descriptor.close()
            guard failure == EWOULDBLOCK else { throw .lock(path: path, errno: failure) }
            throw .busy(Self.busy(path: path, holder: holder ?? ""))
        }
        let now = UTCDateTime(date: Date()).description
        let stamp = Array("pid \(getpid()) since \(now)\n".utf8)
        _ = ftruncate(descriptor.rawValue, 0)
        _ = try? descriptor.writeAll(toAbsoluteOffset: 0, stamp)
        self.path = path
        self.descriptor = descriptor
    }

    /// The holder's `pid N since T` line, as far as it is there.
    static func busy(path: String, holder: String) -> Busy {
        let words = holder.split(whereSeparator: \.isWhitespace)
        guard words.count >= 4, words[0] == "pid", words[2] == "since" else { return Busy(path: path) }
        return Busy(path: path, holderPID: Int32(words[1]), since: String(words[3]))
    }

    deinit { try? descriptor.close() }
}
