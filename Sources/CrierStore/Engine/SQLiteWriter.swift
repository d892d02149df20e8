import NIOCore
import SQLiteNIO
import Synchronization
import VaporCSQLite

/// SQLite's one writer connection, driven directly on the writer's own thread. sqlite-nio sends
/// every statement to a thread pool and its answer back through an event loop: three thread
/// hand-offs a statement, each a wait for a core on a busy machine, while every request queued
/// for the batch waits too. Here a statement runs where the batch runs, prepared once and reused.
final class SQLiteWriter: Sendable {
    /// The open handle, and the statements prepared on it by their SQL. Locked so that a caller
    /// off the writer's thread is merely slower, never unsafe.
    private let connection: Mutex<Connection>

    struct Connection: ~Copyable {
        var handle: OpaquePointer?
        var prepared: [String: OpaquePointer] = [:]
    }

    /// Statements kept prepared; batches of different sizes have different SQL, so this is capped.
    static let preparedLimit = 128

    init(path: String) throws(SQLiteFailure) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_URI
        let code = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK else {
            let failure = SQLiteFailure(code: code, handle: handle)
            sqlite_nio_sqlite3_close(handle)
            throw failure
        }
        sqlite_nio_sqlite3_extended_result_codes(handle, 1)
        connection = Mutex(Connection(handle: handle))
    }

    /// Runs one statement with its binds, handing each result row to `onRow` as it is read.
    func run(_ sql: String, _ binds: [SQLiteData], onRow: (SQLiteWriterRow) throws -> Void) throws {
        try connection.withLock { connection in
            guard let handle = connection.handle else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "the connection is closed") }
            let statement = try Self.statement(sql, &connection, handle)
            // However it ends, the statement is left reset and unbound, ready for its next use.
            defer {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            for (index, bind) in binds.enumerated() {
                let code = Self.bind(bind, at: Int32(index + 1), in: statement)
                guard code == SQLITE_OK else { throw SQLiteFailure(code: code, handle: handle) }
            }
            var columns: SQLiteWriterRow.Columns?
            while true {
                let code = sqlite_nio_sqlite3_step(statement)
                if code == SQLITE_DONE { return }
                guard code == SQLITE_ROW else { throw SQLiteFailure(code: code, handle: handle) }
                let names = columns ?? SQLiteWriterRow.Columns(statement)
                columns = names
                try onRow(SQLiteWriterRow(columns: names, values: (0..<Int32(names.names.count)).map { Self.value(at: $0, in: statement) }))
            }
        }
    }

    /// Whether a transaction is open (SQLite ends one by itself on some errors).
    var inTransaction: Bool {
        connection.withLock { connection in connection.handle.map { sqlite_nio_sqlite3_get_autocommit($0) == 0 } ?? false }
    }

    func close() {
        connection.withLock { connection in
            for statement in connection.prepared.values { sqlite_nio_sqlite3_finalize(statement) }
            connection.prepared = [:]
            sqlite_nio_sqlite3_close_v2(connection.handle)
            connection.handle = nil
        }
    }

    private static func statement(_ sql: String, _ connection: inout Connection, _ handle: OpaquePointer) throws(SQLiteFailure) -> OpaquePointer {
        if let statement = connection.prepared[sql] { return statement }
        if connection.prepared.count >= preparedLimit {
            for statement in connection.prepared.values { sqlite_nio_sqlite3_finalize(statement) }
            connection.prepared = [:]
        }
        var statement: OpaquePointer?
        let code = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw SQLiteFailure(code: code, handle: handle) }
        connection.prepared[sql] = statement
        return statement
    }

    private static func bind(_ value: SQLiteData, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let value): sqlite_nio_sqlite3_bind_int64(statement, index, Int64(value))
        case .float(let value): sqlite_nio_sqlite3_bind_double(statement, index, value)
        case .text(let value):
            sqlite_nio_sqlite3_bind_text64(statement, index, value, UInt64(value.utf8.count), transient, UInt8(SQLITE_UTF8))
        case .blob(let value):
            value.withUnsafeReadableBytes {
                sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), transient)
            }
        case .null: sqlite_nio_sqlite3_bind_null(statement, index)
        }
    }

    private static func value(at column: Int32, in statement: OpaquePointer) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            // By its length, not up to a NUL: text may hold one.
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .text("") }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) { buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count)) }
            return .blob(buffer)
        default: return .null
        }
    }

    /// Tells SQLite to copy a bound value: Swift's buffers don't outlive the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// An error from the writer connection: SQLite's extended result code and message.
public struct SQLiteFailure: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(code: Int32, handle: OpaquePointer?) {
        let extended = handle.map { sqlite_nio_sqlite3_extended_errcode($0) } ?? code
        self.init(code: extended, message: handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite_nio_sqlite3_errstr(code)))
    }

    /// A UNIQUE or PRIMARY KEY constraint refused the write.
    public var isUniqueViolation: Bool { code == 2067 || code == 1555 } // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY

    public var description: String { "SQLite error \(code): \(message)" }
}
