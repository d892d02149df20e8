import PostgresNIO
import SQLKit

/// The last journal id a projection may safely read up to.
///
/// On PostgreSQL ids are handed out when a row is inserted but become visible when its transaction
/// commits, so id 105 can be visible while 104 is still to come: a reader that moved its
/// checkpoint past 105 would never see 104. Every transaction that appends to the journal holds
/// a shared advisory lock until it ends; the high-water mark is read under the exclusive lock,
/// which waits for those transactions and so sees no gap that can still fill. On SQLite writes
/// are serial and commit in id order, so the largest id is safe as it is.
public enum JournalHighWater {
    static let lockKey = 7_346_022

    /// Called before a journal insert, inside the writing transaction (taken once or many times: cheap).
    static func holdWhileWriting(_ db: any SQLDatabase) async throws {
        guard db.dialect.name == "postgresql" else { return }
        try await db.raw("SELECT pg_advisory_xact_lock_shared(\(unsafeRaw: String(lockKey)))").run()
    }

    /// Reads the mark in a transaction of its own (the exclusive lock is held only for that read).
    /// Nil when writers kept the lock for longer than a quarter of a second: the caller tries again
    /// later. Waiting no longer means the wait can never join a deadlock with a writer (PostgreSQL
    /// looks for those only after a second).
    static func read(_ engine: any DatabaseEngine) async throws -> Int64? {
        switch engine.kind {
        case .sqlite:
            return try await engine.read { db in try await maxID(db) }
        case .postgres:
            do {
                return try await engine.transaction { db in
                    try await db.raw("SET LOCAL lock_timeout = '250ms'").run()
                    try await db.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(lockKey)))").run()
                    return try await maxID(db)
                }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55P03" {
                return nil
            }
        }
    }

    static func maxID(_ db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("SELECT COALESCE(MAX(id), 0) AS head FROM journal").first()?.decode(column: "head", as: Int64.self) ?? 0
    }
}
