import Glibc
import SystemPackage

/// Replaces a small file's content at once: a temporary file beside it,
/// fsync, rename, then fsync of the folder, so a process killed mid-write
/// leaves the old content or the new, never half of either. The token cache
/// and the sandbox's identity state are written this way.
package enum AtomicFile {
    /// Writes `bytes` to `path` with `permissions`; the error is the failing call's errno.
    package static func replace(_ path: String, with bytes: [UInt8], permissions: FilePermissions = .ownerReadWrite) throws(Errno) {
        let temporary = "\(path).\(getpid()).\(UInt32.random(in: 0 ... .max)).tmp"
        do {
            let descriptor = try FileDescriptor.open(
                FilePath(temporary), .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec], permissions: permissions)
            do {
                try descriptor.closeAfter {
                    _ = try descriptor.writeAll(bytes)
                    guard fsync(descriptor.rawValue) == 0 else { throw Errno(rawValue: errno) }
                }
            } catch {
                unlink(temporary)
                throw error
            }
        } catch {
            throw (error as? Errno) ?? Errno(rawValue: EIO)
        }
        guard rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw Errno(rawValue: failure)
        }
        // The rename itself is durable once the folder is synced.
        let folder = FilePath(path).removingLastComponent()
        if let descriptor = try? FileDescriptor.open(folder.isEmpty ? "." : folder, .readOnly, options: [.closeOnExec]) {
            _ = fsync(descriptor.rawValue)
            try? descriptor.close()
        }
    }
}
