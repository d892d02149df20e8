import Logging
import NIOCore
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization

/// The embedded engine: one file in WAL mode, one writer connection on a thread of its own that
/// commits queued transactions in batches (`GroupCommit`: `BEGIN IMMEDIATE`, a savepoint per
/// transaction, one fsync per batch), and a few reader connections that see committed data while
/// it writes.
public final class SQLiteEngine: DatabaseEngine {
    public let kind = EngineKind.sqlite
    private let writer: SQLiteWriter
    private let readers: [SQLiteConnection]
    private let writes: GroupCommit
    private let executor: WriterExecutor
    private let nextReader = Atomic<Int>(0)
    private let logger: Logger

    /// FULL: an acknowledged booking or opt-out survives a power cut, not only a crash. A lock held
    /// by another process is waited for 2 s, then the request fails with 503: well inside a
    /// provider's webhook timeout (Twilio's is 15 s), so it retries instead of giving up on us.
    static let pragmas = ["PRAGMA busy_timeout = 2000", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON", "PRAGMA temp_store = MEMORY"]

    /// The file's directory, whose free space `/ready` checks.
    let path: String

    private init(path: String, writer: SQLiteWriter, executor: WriterExecutor, readers: [SQLiteConnection], logger: Logger) {
        self.path = path
        self.writer = writer
        self.executor = executor
        self.readers = readers
        self.logger = logger
        let database = SQLiteWriterDatabase(writer: writer, logger: logger, eventLoop: executor.loop)
        writes = GroupCommit(logger: logger, executor: executor, inTransaction: { writer.inTransaction }) { database }
    }

    /// Opens (creating if needed) the database file at `path`. `niceness`: the writer thread's nice
    /// value (Linux), above 0 for a writer whose work may wait while requests are served.
    public static func open(path: String, readers: Int = 4, niceness: Int32 = 0, logger: Logger) async throws -> SQLiteEngine {
        let writer = try SQLiteWriter(path: path)
        let executor = WriterExecutor(niceness: niceness)
        var pool: [SQLiteConnection] = []
        do {
            for pragma in pragmas + ["PRAGMA journal_mode = WAL"] { try writer.run(pragma, []) { _ in } }
            for _ in 0..<max(1, readers) {
                let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger).get()
                pool.append(connection)
                for pragma in pragmas { try await connection.sql().raw(SQLQueryString(pragma)).run() }
            }
            return SQLiteEngine(path: path, writer: writer, executor: executor, readers: pool, logger: logger)
        } catch {
            for connection in pool { try? await connection.close().get() }
            writer.close()
            await executor.shutdown()
            throw error
        }
    }

    /// Readers don't queue behind the writer in WAL mode; only the busy timeout bounds them.
    public func read<T: Sendable>(deadline: Double, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.add(1, ordering: .relaxed).newValue
        do {
            return try await body(readers[abs(index) % readers.count].sql())
        } catch {
            throw StoreUnavailable.classify(error) ?? error
        }
    }

    public func transaction<T: Sendable>(deadline: Double, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            return try await writes.transaction(deadline: deadline, body)
        } catch {
            throw StoreUnavailable.classify(error) ?? error
        }
    }

    public func probe(deadline: Double) async throws {
        // A small write may still fit in the WAL when the disk is full: look at the disk as well.
        if let free = FreeSpace.bytes(at: path), free < FreeSpace.minimum {
            throw StoreUnavailable(.full, detail: "\(free) bytes free beside \(path)")
        }
        do {
            try await writes.transaction(deadline: deadline) { db in try await ReadinessProbe.write(db) }
        } catch {
            throw StoreUnavailable.classify(error) ?? error
        }
    }

    public var writeExecutor: (any TaskExecutor)? { executor }

    /// Runs one statement on the writer outside any transaction (ATTACH and DETACH can't run in
    /// one). Only while nothing else writes: when the store is being opened.
    func outsideTransaction(_ sql: String) throws {
        try writer.run(sql, []) { _ in }
    }

    public func run() async {
        // Nothing to keep alive; wait for cancellation like any other service would.
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    }

    public func shutdown() async {
        for connection in readers { try? await connection.close().get() }
        writer.close()
        await executor.shutdown()
    }

    public func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? SQLiteFailure { return error.isUniqueViolation }
        guard let error = error as? SQLiteError else { return false }
        return error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed
            || (error.reason == .constraint && error.message.contains("UNIQUE"))
    }
}
