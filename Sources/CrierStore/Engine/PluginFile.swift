import Foundation
import Logging
import SQLKit

/// On SQLite, the plugins' tables, their migrations and the projections' checkpoints live in a file
/// of their own beside Crier's (`crier-plugins.sqlite` beside `crier.sqlite`), with its own writer.
/// SQLite has one writer per file: in one file, every projection batch held the writer that
/// webhooks and bookings wait for. On PostgreSQL, which writes rows concurrently, they stay in the
/// one database.
enum PluginFile {
    /// The nice value of the plugins' writer thread, where projections also run (`ProjectionRunner`).
    /// On a busy two-core machine their batches took CPU the requests were waiting for; at 10 they
    /// get about a tenth of a contended core and catch up in larger batches, idle cores unchanged
    /// (webhooks under load: about 8% more requests/s and 1-2 ms off the p99, lag still under 2 s).
    static let writerNiceness: Int32 = 10

    /// Tables plugins may never have: Crier's own (from its migrations) and SQLite's.
    static let coreTables: Set<String> = {
        var names: Set<String> = ["schema_migrations"]
        let pattern = /CREATE TABLE (?:IF NOT EXISTS )?([a-z_0-9]+)/
        for statement in CoreMigrations.all.flatMap({ $0.statements(.sqlite) }) {
            for match in statement.matches(of: pattern) { names.insert(String(match.output.1)) }
        }
        return names
    }()

    /// How far each plugin projection has read the journal, moved in the same transaction as the
    /// projection's own tables (so here, in the plugins' file, on SQLite).
    static let checkpointsTable = """
        CREATE TABLE IF NOT EXISTS plugin_checkpoints (
            plugin TEXT NOT NULL, projection TEXT NOT NULL, position BIGINT NOT NULL,
            updated_at BIGINT NOT NULL, PRIMARY KEY (plugin, projection))
        """

    /// The plugins' file's own schema (track `plugins`): the checkpoints. On PostgreSQL core
    /// migration 6 made the same table, so this finds it there.
    static let migrations = [
        Migration(version: 1, name: "projection checkpoints") { _ in [checkpointsTable] },
    ]

    /// Moves what a database from before the split keeps for plugins in Crier's file into the
    /// plugins' file: copied there in one transaction of that file (tables with their indexes,
    /// rows, plugin migrations, checkpoints), then dropped from Crier's file in one of its own. A
    /// crash between the two leaves both copies; the next open sees the plugins' file already has
    /// them and only drops the old ones. Runs when the store is opened, before anything uses it.
    static func adopt(core: SQLiteEngine, corePath: String, plugins: SQLiteEngine, logger: Logger) async throws {
        guard try await core.read({ db in try await hasPluginTracks(db) }) else { return }
        if try await !plugins.read({ db in try await hasPluginTracks(db) }) {
            // ATTACH can't run inside a transaction, and a write transaction locks every attached
            // file: the old file is attached for the copy only.
            try plugins.outsideTransaction("ATTACH DATABASE \(quoted(corePath)) AS old")
            do {
                let moved = try await plugins.transaction(deadline: StoreDeadlines.bulk) { db in try await copy(db) }
                try plugins.outsideTransaction("DETACH DATABASE old")
                logger.notice("plugin tables moved to their own file", metadata: ["tables": "\(moved.sorted().joined(separator: ", "))"])
            } catch {
                try? plugins.outsideTransaction("DETACH DATABASE old")
                throw error
            }
        }
        try await core.transaction(deadline: StoreDeadlines.bulk) { db in
            let tables = try await tables(db, schema: "main")
            for table in tables.subtracting(coreTables).sorted() {
                try await db.raw("DROP TABLE \(ident: table)").run()
            }
            try await db.raw("DELETE FROM schema_migrations WHERE track LIKE 'plugin:%'").run()
            if tables.contains("plugin_checkpoints") {
                try await db.raw("DELETE FROM plugin_checkpoints").run()
            }
        }
    }

    /// Copies every plugin table of the attached `old` file, with its indexes, rows, migrations
    /// and checkpoints, into the plugins' file; returns the tables copied.
    private static func copy(_ db: any SQLDatabase) async throws -> Set<String> {
        let old = try await tables(db, schema: "old")
        let moving = old.subtracting(coreTables)
        try await db.raw(SQLQueryString(Migrator.table)).run()
        try await db.raw(SQLQueryString(checkpointsTable)).run()
        for table in moving.sorted() {
            // The statements that made the table and its indexes, as SQLite keeps them.
            let statements = try await db.raw("""
                SELECT sql FROM old.sqlite_master WHERE tbl_name = \(bind: table) AND sql IS NOT NULL
                ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, name
                """).all().map { try $0.decode(column: "sql", as: String.self) }
            for statement in statements { try await db.raw(SQLQueryString(statement)).run() }
            try await db.raw("INSERT INTO main.\(ident: table) SELECT * FROM old.\(ident: table)").run()
        }
        try await db.raw("INSERT INTO main.schema_migrations SELECT * FROM old.schema_migrations WHERE track LIKE 'plugin:%'").run()
        if old.contains("plugin_checkpoints") {
            try await db.raw("INSERT INTO main.plugin_checkpoints SELECT * FROM old.plugin_checkpoints").run()
        }
        return moving
    }

    /// Whether the file has migrations on a plugin's track (`plugin:{id}`).
    private static func hasPluginTracks(_ db: any SQLDatabase) async throws -> Bool {
        guard try await tables(db, schema: "main").contains("schema_migrations") else { return false }
        return try await db.raw("SELECT 1 AS n FROM schema_migrations WHERE track LIKE 'plugin:%' LIMIT 1").first() != nil
    }

    private static func tables(_ db: any SQLDatabase, schema: String) async throws -> Set<String> {
        let rows = try await db.raw("SELECT name FROM \(ident: schema).sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all()
        return Set(try rows.map { try $0.decode(column: "name", as: String.self) })
    }

    private static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
