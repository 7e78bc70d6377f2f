import Glibc
import ReferralInput
import ReferralModel

/// Keeps a sandbox's referrals across runs, so a rehearsal behaves as the
/// API would: interrupt, resume, then apply `undo.csv`, all against the same
/// state. One JSON referral per line: the seed first, then each referral
/// again after every change, appended (and so in the kernel) before the
/// change is answered. Reading it back, the last line of an ID wins; a
/// `kill -9` loses no change that was answered.
final class SandboxStateFile: Sendable {
    /// Why the state cannot be kept; each case carries the path and errno.
    enum Failure: Error, Equatable, CustomStringConvertible {
        case cannotCreateFolder(path: String, errno: Int32)
        case cannotOpen(path: String, errno: Int32)
        case cannotWrite(path: String, errno: Int32)

        var description: String {
            switch self {
            case .cannotCreateFolder(let path, let errno): "cannot create the state folder \(path): \(String(cString: strerror(errno)))"
            case .cannotOpen(let path, let errno): "cannot keep the sandbox's state in \(path): \(String(cString: strerror(errno)))"
            case .cannotWrite(let path, let errno): "cannot write the sandbox's state to \(path): \(String(cString: strerror(errno)))"
            }
        }
    }

    let path: String
    private let descriptor: Int32

    /// Opens `path`, starting it from `seed` when it does not exist yet (or `reset`).
    /// Returns the file and the referrals it holds now, in first-seen order,
    /// and how many changes it has recorded (the store's version counter).
    static func open(path: String, seed: [JSONValue], reset: Bool) throws -> (SandboxStateFile, [JSONValue], changes: Int) {
        if reset { unlink(path) }
        let existing = try? readLines(path)
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Failure.cannotOpen(path: path, errno: errno)
        }
        let file = SandboxStateFile(path: path, descriptor: descriptor)
        guard let existing, !existing.isEmpty else {
            ftruncate(descriptor, 0)
            for referral in seed { try file.append(referral) }
            return (file, seed, 0)
        }
        var order: [String] = []
        var latest: [String: JSONValue] = [:]
        for referral in existing {
            guard let id = referral["id"]?.stringValue else { continue }
            if latest[id] == nil { order.append(id) }
            latest[id] = referral
        }
        return (file, order.map { latest[$0]! }, existing.count - order.count)
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Records a referral as it is now.
    func append(_ referral: JSONValue) throws {
        var line = JSONWriter.bytes(referral)
        line.append(0x0A)
        var offset = 0
        while offset < line.count {
            let written = line[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else {
                throw Failure.cannotWrite(path: path, errno: errno)
            }
            offset += written
        }
    }

    /// Every complete line of the file (a torn last line, from a crash mid-write, is left out).
    private static func readLines(_ path: String) throws -> [JSONValue] {
        let source = try ByteSource(path: path, chunkSize: 256 * 1024)
        var pending: [UInt8] = []
        var referrals: [JSONValue] = []
        while true {
            let chunk = try source.read()
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            while let end = pending.firstIndex(of: 0x0A) {
                if let referral = try? JSONParser.parse(Array(pending[..<end])) { referrals.append(referral) }
                pending.removeSubrange(...end)
            }
        }
        return referrals
    }
}
