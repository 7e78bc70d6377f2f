import Foundation
import ReferralModel
import ReferralPlan
import ReferralOutcome
import Synchronization

/// The crash-safe record of what each document of an input did, under
/// `--state-dir`: one SQLite database per state dir (`journal.sqlite`, WAL
/// mode), keyed by the input's fingerprint and the document's key, so a
/// re-run of the same command on the same file skips what finished and
/// looks each document up by index (memory does not grow with the journal).
///
/// Finished means nothing would change by sending it again: `updated`,
/// `unchanged`, `invalid_transition` and `not_found`. `conflict`,
/// `forbidden` and `failed` are tried again by a re-run (the referral, the
/// token or the API may have changed); `invalid_input` is found again
/// locally for free.
///
/// Before a PATCH is sent, the values it will overwrite are recorded
/// (write-ahead): after a `kill -9` between the send and the outcome, the
/// re-run finds the referral as asked, and the intent tells it the change
/// is that run's (`updated`, undone from the intent's before-values, not
/// `unchanged`). Each record is its own transaction: in WAL mode a commit
/// survives the process being killed at any moment.
package final class Journal: Sendable {
    /// An earlier run's outcome for a document.
    package struct Entry: Sendable, Equatable {
        package var kind: Outcome.Kind
        package var httpStatus: Int?
        package var message: String
        package var requestID: String?
        package var newETag: String?
        /// Which run of this input finished it (1, 2, ...).
        package var run: Int
        /// What the change overwrote and what it sent, when it changed the referral.
        package var before: [Outcome.BeforeValue]
        package var sentOperations: [PatchOperation]
    }

    /// What a run was about to send, recorded before sending.
    package struct Intent: Sendable, Equatable {
        package var before: [Outcome.BeforeValue]
        package var sentOperations: [PatchOperation]
        /// Which run of this input recorded it.
        package var run: Int
    }

    package static let finishedKinds: Set<Outcome.Kind> = [.updated, .unchanged, .invalidTransition, .notFound]

    /// Why the journal could not be opened (nothing has been sent yet).
    package enum OpenError: Error, Sendable, Equatable, CustomStringConvertible {
        /// mkdir of the state folder failed with `errno`.
        case stateFolder(path: String, errno: Int32)
        /// SQLite refused the journal file: its result code and message.
        case database(path: String, code: Int32, message: String)
        /// The run lock file cannot be opened or locked.
        case lock(path: String, errno: Int32)
        /// Another run of the same job holds the lock.
        case busy(JournalLock.Busy)

        package var description: String {
            switch self {
            case .stateFolder(let path, let errno): "cannot create the state folder \(path): \(String(cString: strerror(errno)))."
            case .database(let path, _, let message): "cannot open the journal: the journal \(path) failed: \(message)."
            case .lock(let path, let errno): "cannot lock \(path): \(String(cString: strerror(errno)))."
            case .busy(let busy): "\(busy)."
            }
        }

        /// A busy job is a run that could not happen now (exit 3, try again later); the rest is exit 2.
        package var exitStatus: ExitStatus {
            switch self {
            case .busy: .aborted
            case .stateFolder, .database, .lock: .unusable
            }
        }
    }

    /// One sentence for the user about what the journal did at open, if anything.
    package let notice: String?
    /// This run's number among the runs of this input (1 for the first).
    package let run: Int
    package let path: String
    private let fingerprint: String
    private let statements: Mutex<Statements>
    /// Held as long as this journal is open: one run of this input at a time.
    private let lock: JournalLock

    private final class Statements: @unchecked Sendable {
        let database: SQLiteDatabase
        let lookup: SQLiteDatabase.Statement
        let lookupIntent: SQLiteDatabase.Statement
        let insert: SQLiteDatabase.Statement
        let insertIntent: SQLiteDatabase.Statement

        init(_ database: SQLiteDatabase) throws(SQLiteDatabase.Failure) {
            self.database = database
            lookup = try database.prepare(
                "SELECT kind, status, message, request_id, etag, run, before, sent FROM outcomes WHERE fingerprint = ? AND key = ?")
            lookupIntent = try database.prepare("SELECT before, sent, run FROM intents WHERE fingerprint = ? AND key = ?")
            insert = try database.prepare(
                """
                INSERT OR REPLACE INTO outcomes (fingerprint, key, kind, status, message, request_id, etag, run, before, sent)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            insertIntent = try database.prepare(
                "INSERT OR REPLACE INTO intents (fingerprint, key, run, before, sent) VALUES (?, ?, ?, ?, ?)")
        }
    }

    static let schema = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        BEGIN;
        CREATE TABLE IF NOT EXISTS inputs (path TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS runs (fingerprint TEXT NOT NULL, run INTEGER NOT NULL, started TEXT NOT NULL,
            PRIMARY KEY (fingerprint, run));
        CREATE TABLE IF NOT EXISTS outcomes (fingerprint TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,
            status INTEGER, message TEXT NOT NULL, request_id TEXT, etag TEXT, run INTEGER NOT NULL, before TEXT, sent TEXT,
            PRIMARY KEY (fingerprint, key)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS intents (fingerprint TEXT NOT NULL, key TEXT NOT NULL, run INTEGER NOT NULL,
            before TEXT NOT NULL, sent TEXT NOT NULL, PRIMARY KEY (fingerprint, key)) WITHOUT ROWID;
        COMMIT;
        """

    /// Opens (or starts) the journal of `fingerprint` in `directory`, and
    /// holds its run lock until the journal is released (`JournalLock`).
    /// `fresh` forgets what earlier runs of this input recorded.
    package init(directory: String, fingerprint: String, inputPath: String, fresh: Bool) throws(OpenError) {
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw .stateFolder(path: directory, errno: errno)
        }
        // Before the journal records this run: a second run must leave no trace.
        let lock = try JournalLock(directory: directory, fingerprint: fingerprint)
        let path = "\(directory)/journal.sqlite"
        let opened: Opened
        do {
            opened = try Self.open(path: path, fingerprint: fingerprint, inputPath: inputPath, fresh: fresh)
        } catch {
            throw .database(path: error.path, code: error.code, message: error.message)
        }
        self.path = path
        self.fingerprint = fingerprint
        self.run = opened.run
        self.notice = opened.notice
        self.statements = Mutex(opened.statements)
        self.lock = lock
    }

    private struct Opened {
        var run: Int
        var notice: String?
        var statements: Statements
    }

    /// Creates the schema, records the input's fingerprint and this run.
    private static func open(path: String, fingerprint: String, inputPath: String, fresh: Bool)
        throws(SQLiteDatabase.Failure) -> Opened
    {
        let existed = FileManager.default.fileExists(atPath: path)
        let database = try SQLiteDatabase(path: path)
        if !existed { chmod(path, 0o600) }
        try database.execute(schema)
        let absolute = URL(fileURLWithPath: inputPath).standardizedFileURL.path
        var previous: String?
        try database.prepare("SELECT fingerprint FROM inputs WHERE path = ?").run([.text(absolute)]) { previous = $0.text(0) }
        try database.prepare("INSERT OR REPLACE INTO inputs (path, fingerprint) VALUES (?, ?)").run([.text(absolute), .text(fingerprint)])
        var notice: String?
        if fresh {
            for table in ["outcomes", "intents", "runs"] {
                try database.prepare("DELETE FROM \(table) WHERE fingerprint = ?").run([.text(fingerprint)])
            }
            notice = "--fresh: ignoring what earlier runs of this file recorded"
        } else if let previous, previous != fingerprint {
            notice = "the file changed since the last run: starting a new journal"
        }
        var finished = 0
        try database.prepare("SELECT count(*) FROM outcomes WHERE fingerprint = ?").run([.text(fingerprint)]) {
            finished = $0.integer(0) ?? 0
        }
        var lastRun = 0
        try database.prepare("SELECT max(run) FROM runs WHERE fingerprint = ?").run([.text(fingerprint)]) {
            lastRun = $0.integer(0) ?? 0
        }
        let run = lastRun + 1
        let now = UTCDateTime(date: Date()).description
        try database.prepare("INSERT INTO runs (fingerprint, run, started) VALUES (?, ?, ?)").run([
            .text(fingerprint), .integer(run), .text(now),
        ])
        if finished > 0, notice == nil {
            notice = "resuming: \(finished) document(s) finished by an earlier run will be skipped"
        }
        return Opened(run: run, notice: notice, statements: try Statements(database))
    }

    /// The key of a document within its input: its lines and a hash of what it asks.
    package static func key(_ document: PatchDocument) -> String {
        var hash = StableHash()
        hash.combine(document.referralID)
        hash.combine(document.ifMatch ?? "")
        hash.combine(PatchOperation.body(document.operations))
        return "\(document.lines.lowerBound)-\(document.lines.upperBound)-\(hash.hex)"
    }

    /// What an earlier run recorded as finished for this document, if anything.
    package func entry(for document: PatchDocument) throws(OutputFailure) -> Entry? {
        let key = Self.key(document)
        return try locked { statements throws(SQLiteDatabase.Failure) in
            var entry: Entry?
            try statements.lookup.run([.text(fingerprint), .text(key)]) { row in
                guard let kind = row.text(0).flatMap(Outcome.Kind.init(rawValue:)) else { return }
                entry = Entry(
                    kind: kind, httpStatus: row.integer(1), message: row.text(2) ?? "", requestID: row.text(3),
                    newETag: row.text(4), run: row.integer(5) ?? 0, before: Self.beforeValues(row.text(6)),
                    sentOperations: Self.operations(row.text(7)))
            }
            return entry
        }
    }

    /// What an earlier run was about to send for this document, if it recorded that.
    package func intent(for document: PatchDocument) throws(OutputFailure) -> Intent? {
        let key = Self.key(document)
        return try locked { statements throws(SQLiteDatabase.Failure) in
            var intent: Intent?
            try statements.lookupIntent.run([.text(fingerprint), .text(key)]) { row in
                intent = Intent(
                    before: Self.beforeValues(row.text(0)), sentOperations: Self.operations(row.text(1)), run: row.integer(2) ?? 0)
            }
            return intent
        }
    }

    /// Records what is about to be sent and what it overwrites, before it is sent.
    package func recordIntent(_ document: PatchDocument, before: [Outcome.BeforeValue], operations: [PatchOperation])
        throws(OutputFailure)
    {
        let key = Self.key(document)
        try locked { statements throws(SQLiteDatabase.Failure) in
            try statements.insertIntent.run([
                .text(fingerprint), .text(key), .integer(run), .text(Self.text(before)), .text(Self.text(operations)),
            ])
        }
    }

    /// Records a finished outcome (others are not recorded). Throws when
    /// the record cannot be written: a document the journal does not hold
    /// would be sent again, and a report would claim what is not recorded.
    package func record(_ outcome: Outcome) throws(OutputFailure) {
        guard Self.finishedKinds.contains(outcome.kind) else { return }
        let key = Self.key(outcome.document)
        let changed = outcome.kind == .updated
        try locked { statements throws(SQLiteDatabase.Failure) in
            try statements.insert.run([
                .text(fingerprint), .text(key), .text(outcome.kind.rawValue), .integer(outcome.httpStatus), .text(outcome.message),
                .text(outcome.requestID), .text(outcome.newETag), .integer(run),
                .text(changed ? Self.text(outcome.before) : nil), .text(changed ? Self.text(outcome.sentOperations) : nil),
            ])
        }
    }

    /// Folds the write-ahead log into the database at the end of a run.
    package func sync() throws(OutputFailure) {
        try locked { statements throws(SQLiteDatabase.Failure) in try statements.database.execute("PRAGMA wal_checkpoint(PASSIVE)") }
    }

    private func locked<T>(_ body: (Statements) throws(SQLiteDatabase.Failure) -> T) throws(OutputFailure) -> T {
        let result: Result<T, SQLiteDatabase.Failure> = statements.withLock { statements in
            do throws(SQLiteDatabase.Failure) {
                return .success(try body(statements))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let value): return value
        case .failure(let failure): throw OutputFailure(path: path, errno: failure.errno)
        }
    }

    // MARK: - Stored forms

    /// `[{"path": "/x", "value": ...}]`, `value` absent where the field did not exist.
    static func text(_ before: [Outcome.BeforeValue]) -> String {
        let json = JSONValue.array(
            before.map { value in
                var members: JSONObject = ["path": .string(value.path.description)]
                if let old = value.value { members["value"] = old }
                return .object(members)
            })
        return JSONWriter.string(json)
    }

    static func text(_ operations: [PatchOperation]) -> String {
        String(decoding: PatchOperation.body(operations), as: UTF8.self)
    }

    static func beforeValues(_ text: String?) -> [Outcome.BeforeValue] {
        guard let text, let items = (try? JSONParser.parse(text))?.arrayValue else { return [] }
        return items.compactMap { item in
            guard let path = item["path"]?.stringValue.flatMap({ try? JSONPointer(parsing: $0) }) else { return nil }
            return Outcome.BeforeValue(path: path, value: item["value"])
        }
    }

    static func operations(_ text: String?) -> [PatchOperation] {
        guard let text, let json = try? JSONParser.parse(text) else { return [] }
        return (try? PatchOperation.document(from: json)) ?? []
    }
}
