import CSQLite
import Glibc

/// The few calls of SQLite's C API the journal needs: open, run, prepared
/// statements. Written here rather than taking GRDB: six statements do not
/// need a framework, and libsqlite3 is already on every Debian machine.
/// Opened in serialized mode: workers look documents up concurrently.
final class SQLiteDatabase: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var code: Int32
        var message: String
        /// The operating system's error behind it (0 when there was none).
        var systemErrno: Int32
        var description: String { "the journal \(path) failed: \(message)" }

        /// The errno a disk problem stands for, for the run's one sentence.
        var errno: Int32 {
            if systemErrno != 0 { return systemErrno }
            switch code & 0xFF {
            case SQLITE_FULL: return ENOSPC
            case SQLITE_READONLY, SQLITE_PERM: return EACCES
            default: return EIO
            }
        }
    }

    let path: String
    private let handle: OpaquePointer

    init(path: String) throws(Failure) {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            throw Failure(path: path, code: code, message: message, systemErrno: handle.map(sqlite3_system_errno) ?? 0)
        }
        self.path = path
        self.handle = handle
        sqlite3_busy_timeout(handle, 10_000)
    }

    deinit { sqlite3_close(handle) }

    func execute(_ sql: String) throws(Failure) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw failure(code) }
    }

    func prepare(_ sql: String) throws(Failure) -> Statement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw failure(code) }
        return Statement(database: self, handle: statement)
    }

    fileprivate func failure(_ code: Int32) -> Failure {
        Failure(path: path, code: code, message: String(cString: sqlite3_errmsg(handle)), systemErrno: sqlite3_system_errno(handle))
    }

    /// A prepared statement: bind, step, read columns, reset. Used under its owner's lock.
    final class Statement {
        private let database: SQLiteDatabase
        private let handle: OpaquePointer

        fileprivate init(database: SQLiteDatabase, handle: OpaquePointer) {
            self.database = database
            self.handle = handle
        }

        deinit { sqlite3_finalize(handle) }

        enum Value {
            case text(String?)
            case integer(Int?)
        }

        /// Binds `values`, steps through every row, and calls `row` for each.
        func run(_ values: [Value], row: (Statement) -> Void = { _ in }) throws(Failure) {
            defer {
                sqlite3_reset(handle)
                sqlite3_clear_bindings(handle)
            }
            for (index, value) in values.enumerated() {
                let position = Int32(index + 1)
                switch value {
                case .text(let text?): sqlite3_bind_text(handle, position, text, -1, SQLITE_TRANSIENT)
                case .integer(let number?): sqlite3_bind_int64(handle, position, Int64(number))
                case .text(nil), .integer(nil): sqlite3_bind_null(handle, position)
                }
            }
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_ROW {
                    row(self)
                } else if code == SQLITE_DONE {
                    return
                } else {
                    throw database.failure(code)
                }
            }
        }

        func text(_ column: Int32) -> String? {
            guard let bytes = sqlite3_column_text(handle, column) else { return nil }
            return String(cString: bytes)
        }

        func integer(_ column: Int32) -> Int? {
            sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(handle, column))
        }
    }
}

/// SQLite's "copy the bytes now" destructor, which Swift cannot import as a macro.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
