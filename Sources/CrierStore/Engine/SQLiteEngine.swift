import Logging
import NIOCore
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization

/// The embedded engine: one file in WAL mode, one writer connection that commits queued
/// transactions in batches (`GroupCommit`: `BEGIN IMMEDIATE`, a savepoint per transaction, one
/// fsync per batch), and a few reader connections that see committed data while it writes.
public final class SQLiteEngine: DatabaseEngine {
    public let kind = EngineKind.sqlite
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writes: GroupCommit
    private let nextReader = Atomic<Int>(0)
    private let logger: Logger

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], logger: Logger) {
        self.writer = writer
        self.readers = readers
        self.logger = logger
        writes = GroupCommit(logger: logger) { writer.sql() }
    }

    /// Opens (creating if needed) the database file at `path`.
    public static func open(path: String, readers: Int = 4, logger: Logger) async throws -> SQLiteEngine {
        func connect() async throws -> SQLiteConnection {
            let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger).get()
            let db = connection.sql()
            // FULL: an acknowledged booking or opt-out survives a power cut, not only a crash.
            for pragma in ["PRAGMA busy_timeout = 10000", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"] {
                try await db.raw(SQLQueryString(pragma)).run()
            }
            return connection
        }
        let writer = try await connect()
        try await writer.sql().raw("PRAGMA journal_mode = WAL").run()
        var pool: [SQLiteConnection] = []
        for _ in 0..<max(1, readers) { pool.append(try await connect()) }
        return SQLiteEngine(writer: writer, readers: pool, logger: logger)
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.add(1, ordering: .relaxed).newValue
        return try await body(readers[abs(index) % readers.count].sql())
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writes.transaction(body)
    }

    public func run() async {
        // Nothing to keep alive; wait for cancellation like any other service would.
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    }

    public func shutdown() async {
        for connection in readers + [writer] { try? await connection.close().get() }
    }

    public func isUniqueViolation(_ error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        return error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed
            || (error.reason == .constraint && error.message.contains("UNIQUE"))
    }
}
