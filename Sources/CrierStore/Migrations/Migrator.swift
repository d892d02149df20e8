import Logging
import SQLKit

/// Applies migrations that have not run yet and records each in `schema_migrations`.
/// Safe to run from several instances at once: on PostgreSQL an advisory lock makes the others
/// wait; on SQLite `BEGIN IMMEDIATE` does.
public struct Migrator: Sendable {
    let engine: any DatabaseEngine
    let logger: Logger

    /// Where each track's applied versions are recorded.
    static let table = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            track TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL,
            PRIMARY KEY (track, version))
        """

    public init(engine: any DatabaseEngine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    /// Runs the pending migrations of `track`; returns how many ran.
    @discardableResult
    public func migrate(track: String, _ migrations: [Migration], now: Int64) async throws -> Int {
        try await engine.transaction(deadline: StoreDeadlines.bulk) { db in try await db.raw(SQLQueryString(Self.table)).run() }
        var applied = 0
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            let ran = try await engine.transaction(deadline: StoreDeadlines.bulk) { [engine] db in
                if engine.kind == .postgres {
                    try await db.raw("SELECT pg_advisory_xact_lock(7346021)").run()
                }
                let done = try await db.raw("""
                    SELECT 1 AS done FROM schema_migrations WHERE track = \(bind: track) AND version = \(bind: migration.version)
                    """).first()
                if done != nil { return false }
                for statement in migration.statements(engine.kind) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw("""
                    INSERT INTO schema_migrations (track, version, name, applied_at)
                    VALUES (\(bind: track), \(bind: migration.version), \(bind: migration.name), \(bind: now))
                    """).run()
                return true
            }
            if ran {
                applied += 1
                logger.info("migrated", metadata: ["track": "\(track)", "version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
        return applied
    }

    /// The versions applied on `track`, in order.
    public func appliedVersions(track: String) async throws -> [Int] {
        try await engine.read { db in
            try await db.raw("SELECT version FROM schema_migrations WHERE track = \(bind: track) ORDER BY version")
                .all().map { try $0.decode(column: "version", as: Int.self) }
        }
    }
}
