import SQLKit

/// The last journal id a projection may safely read up to.
///
/// On PostgreSQL ids are handed out when a row is inserted but become visible when its transaction
/// commits, so id 105 can be visible while 104 is still to come: a reader that moved its
/// checkpoint past 105 would never see 104. Every transaction that appends to the journal holds
/// a shared advisory lock from before its first insert until it ends. The reader takes no lock
/// (an exclusive one would queue every new writer behind it, webhooks included): it reads the
/// largest visible id, then which transactions hold the shared lock, and waits for those to end.
/// Any id below the mark was handed out before it, so to one of them or to one already committed;
/// a transaction that starts later takes a larger id. On SQLite writes are serial and commit in id
/// order, so the largest id is safe as it is.
public enum JournalHighWater {
    static let lockKey = 7_346_022

    /// Called before a journal insert, inside the writing transaction (taken once or many times: cheap).
    static func holdWhileWriting(_ db: any SQLDatabase) async throws {
        guard db.dialect.name == "postgresql" else { return }
        try await db.raw("SELECT pg_advisory_xact_lock_shared(\(unsafeRaw: String(lockKey)))").run()
    }

    /// The mark, once the transactions that were writing when it was read have ended. Nil when
    /// they are still going after `patience` seconds (a long import): the caller tries again later.
    static func read(_ engine: any DatabaseEngine, patience: Double = 0.25) async throws -> Int64? {
        switch engine.kind {
        case .sqlite:
            return try await engine.read { db in try await maxID(db) }
        case .postgres:
            let head = try await engine.read { db in try await maxID(db) }
            var waitingFor = try await writers(engine)
            let deadline = ContinuousClock.now + .milliseconds(Int(patience * 1000))
            while !waitingFor.isEmpty {
                guard ContinuousClock.now < deadline else { return nil }
                try await Task.sleep(for: .milliseconds(10))
                waitingFor.formIntersection(try await writers(engine))
            }
            return head
        }
    }

    /// The transactions (by virtual id, never reused) holding the shared lock in this database now.
    static func writers(_ engine: any DatabaseEngine) async throws -> Set<String> {
        try await engine.read { db in
            // An advisory lock on one bigint key shows as classid (high half), objid (low half), objsubid 1.
            Set(try await db.raw("""
                SELECT virtualtransaction FROM pg_locks
                WHERE locktype = 'advisory' AND classid = 0 AND objid = \(unsafeRaw: String(lockKey)) AND objsubid = 1 AND granted
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """).all().map { try $0.decode(column: "virtualtransaction", as: String.self) })
        }
    }

    static func maxID(_ db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("SELECT COALESCE(MAX(id), 0) AS head FROM journal").first()?.decode(column: "head", as: Int64.self) ?? 0
    }
}
