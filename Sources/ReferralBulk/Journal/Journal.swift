import Foundation
import Glibc

/// The crash-safe record of which documents of one input are finished, under
/// `--state-dir`: one line per finished document, appended as it finishes
/// and synced to disk in small batches. Re-running the same command on the
/// same file skips what is recorded.
///
/// Finished means nothing would change by sending it again: `updated`,
/// `unchanged`, `invalid_transition` and `not_found`. `conflict`,
/// `forbidden` and `failed` are tried again by a re-run (the referral, the
/// token or the API may have changed); `invalid_input` is found again
/// locally for free.
///
/// A record is `<checksum> <json>\n`; a torn last record (power cut in the
/// middle of a write) fails its checksum, is ignored, and is cut off before
/// the next append. A `kill -9` loses nothing written: each record reaches
/// the kernel at once.
public final class Journal {
    /// An earlier run's outcome for a document.
    public struct Entry: Sendable, Equatable {
        public var kind: Outcome.Kind
        public var httpStatus: Int?
        public var message: String
        public var requestID: String?
        public var newETag: String?
    }

    public static let finishedKinds: Set<Outcome.Kind> = [.updated, .unchanged, .invalidTransition, .notFound]
    static let syncEvery = 64

    /// The entries read at open: immutable, so workers may consult them concurrently.
    public let earlier: [String: Entry]
    /// One sentence for the user about what the journal did at open, if anything.
    public let notice: String?
    private let descriptor: Int32
    private let path: String
    private var unsynced = 0
    private var lastSync = ContinuousClock.now

    public struct OpenError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Opens (or starts) the journal of `fingerprint` in `directory`.
    /// `fresh` ignores and replaces what an earlier run recorded.
    public init(directory: String, fingerprint: String, inputPath: String, fresh: Bool) throws {
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw OpenError(description: "cannot create the state folder \(directory): \(String(cString: strerror(errno))).")
        }
        let path = "\(directory)/journal-\(fingerprint).log"
        self.path = path
        let previous = JournalIndex.swap(directory: directory, inputPath: inputPath, fingerprint: fingerprint)
        var notice: String?
        if fresh {
            unlink(path)
            notice = "--fresh: ignoring what earlier runs of this file recorded"
        } else if let previous, previous != fingerprint {
            notice = "the file changed since the last run: starting a new journal"
        }
        descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw OpenError(description: "cannot open the journal \(path): \(String(cString: strerror(errno))).")
        }
        fchmod(descriptor, 0o600)
        let (entries, goodLength, torn) = Self.read(descriptor)
        if torn {
            ftruncate(descriptor, off_t(goodLength))
            notice = (notice.map { $0 + "; " } ?? "") + "ignored a torn last record in the journal"
        }
        if !entries.isEmpty, notice == nil {
            notice = "resuming: \(entries.count) document(s) finished by an earlier run will be skipped"
        }
        earlier = entries
        self.notice = notice
    }

    deinit { close(descriptor) }

    /// The key of a document within its input: its lines and a hash of what it asks.
    public static func key(_ document: PatchDocument) -> String {
        var hash = StableHash()
        hash.combine(document.referralID)
        hash.combine(document.ifMatch ?? "")
        hash.combine(PatchOperation.body(document.operations))
        return "\(document.lines.lowerBound)-\(document.lines.upperBound)-\(hash.hex)"
    }

    public func entry(for document: PatchDocument) -> Entry? { earlier[Self.key(document)] }

    /// Appends a finished outcome (others are not recorded). Throws when
    /// the record cannot be written: a document the journal does not hold
    /// would be sent again, and a report would claim what is not recorded.
    public func record(_ outcome: Outcome) throws(OutputFailure) {
        guard Self.finishedKinds.contains(outcome.kind) else { return }
        let json: JSONValue = [
            "key": .string(Self.key(outcome.document)), "kind": .string(outcome.kind.rawValue),
            "status": outcome.httpStatus.map { .number(Decimal($0)) } ?? .null, "message": .string(outcome.message),
            "requestId": outcome.requestID.map(JSONValue.string) ?? .null, "eTag": outcome.newETag.map(JSONValue.string) ?? .null,
        ]
        let body = JSONWriter.bytes(json)
        var line = Array(Self.checksum(body).utf8) + [UInt8(ascii: " ")] + body
        line.append(0x0A)
        let failure = line.withUnsafeBytes { bytes -> Int32? in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw OutputFailure(path: path, errno: failure) }
        unsynced += 1
        if unsynced >= Self.syncEvery || ContinuousClock.now - lastSync > .seconds(1) { try sync() }
    }

    public func sync() throws(OutputFailure) {
        let failure: Int32? = fsync(descriptor) == 0 ? nil : errno
        unsynced = 0
        lastSync = .now
        if let failure { throw OutputFailure(path: path, errno: failure) }
    }

    static func checksum(_ bytes: [UInt8]) -> String {
        var hash = StableHash()
        hash.combine(bytes)
        return hash.hex
    }

    /// Reads every good record; stops at the first bad one (a torn tail).
    static func read(_ descriptor: Int32) -> (entries: [String: Entry], goodLength: Int, torn: Bool) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        lseek(descriptor, 0, SEEK_SET)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            data.append(contentsOf: buffer[0..<count])
        }
        var entries: [String: Entry] = [:]
        var offset = 0
        while offset < data.count {
            guard let end = data[offset...].firstIndex(of: 0x0A) else { return (entries, offset, true) }
            let line = data[offset..<end]
            guard let space = line.firstIndex(of: UInt8(ascii: " ")),
                String(decoding: line[..<space], as: UTF8.self) == checksum(Array(line[(space + 1)...])),
                let json = try? JSONParser.parse(Array(line[(space + 1)...])),
                let key = json["key"]?.stringValue, let kind = json["kind"]?.stringValue.flatMap(Outcome.Kind.init(rawValue:))
            else { return (entries, offset, true) }
            entries[key] = Entry(
                kind: kind, httpStatus: json["status"].flatMap { if case .number(let n) = $0 { Int(truncating: n as NSNumber) } else { nil } },
                message: json["message"]?.stringValue ?? "", requestID: json["requestId"]?.stringValue,
                newETag: json["eTag"]?.stringValue)
            offset = end + 1
        }
        return (entries, offset, false)
    }
}

/// Which journal each input path used last, so a changed file can be told.
enum JournalIndex {
    /// Records `fingerprint` for `inputPath` and returns the one recorded before.
    static func swap(directory: String, inputPath: String, fingerprint: String) -> String? {
        let path = "\(directory)/index.json"
        let absolute = URL(fileURLWithPath: inputPath).standardizedFileURL.path
        var index = ((try? Data(contentsOf: URL(fileURLWithPath: path))).flatMap { try? JSONParser.parse($0) }?.objectValue) ?? [:]
        let previous = index[absolute]?.stringValue
        index[absolute] = .string(fingerprint)
        let temporary = path + ".partial"
        if FileManager.default.createFile(atPath: temporary, contents: JSONWriter.data(.object(index), pretty: true), attributes: [.posixPermissions: 0o600]) {
            rename(temporary, path)
        }
        return previous
    }
}
