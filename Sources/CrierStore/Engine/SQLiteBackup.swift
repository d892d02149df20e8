import Foundation
import SQLKit
import VaporCSQLite

/// Consistent copies of a SQLite store while it runs (`crier backup`), and putting one back
/// (`crier restore`). A backup is two files, named like the live ones: `FILE` (Crier's) and
/// `FILE`'s plugins' file beside it (`DatabaseURL.pluginsFile`). Each is written by `VACUUM INTO`
/// from one read snapshot, so writers carry on while it runs and nothing half-committed is in it.
public enum SQLiteBackup {
    /// What was written or restored: the paths, Crier's first.
    public struct Files: Sendable, Equatable {
        public var core: String
        public var plugins: String?
    }

    /// Why a backup or restore was refused; the description is the message for the operator.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Writes the copy at `path` (and the plugins' file beside it). The plugins' file is copied
    /// first: its projections' checkpoints then never point past the journal in Crier's copy, so
    /// after a restore they catch up on whatever came later instead of skipping it.
    public static func write(_ store: Store, to path: String) async throws -> Files {
        guard store.engine.kind == .sqlite else {
            throw Refusal("crier backup copies SQLite databases; for PostgreSQL use pg_dump (see the README's \"Backups\")")
        }
        let pluginsPath = DatabaseURL.pluginsFile(beside: path)
        for target in [path, pluginsPath] where FileManager.default.fileExists(atPath: target) {
            throw Refusal("\(target) already exists; a backup never overwrites a file")
        }
        var files = Files(core: path, plugins: nil)
        do {
            if store.pluginsApart {
                try await vacuum(store.pluginEngine, into: pluginsPath)
                files.plugins = pluginsPath
            }
            try await vacuum(store.engine, into: path)
        } catch {
            // No half a backup left to be mistaken for a whole one.
            for target in [path, pluginsPath] { try? FileManager.default.removeItem(atPath: target) }
            throw error
        }
        return files
    }

    private static func vacuum(_ engine: any DatabaseEngine, into path: String) async throws {
        try await engine.read(deadline: StoreDeadlines.bulk) { db in try await db.raw("VACUUM INTO \(bind: path)").run() }
    }

    /// Puts the backup at `source` (and its plugins' file, if it has one) in place as the database
    /// at `target`, which must not exist yet: a restore never replaces a live database. Each file
    /// is checked (`PRAGMA integrity_check`, Crier's migrations present), copied beside its
    /// destination and renamed into place, so a crash leaves either nothing or the whole file.
    public static func restore(from source: String, to target: String) throws -> Files {
        let sourcePlugins = DatabaseURL.pluginsFile(beside: source)
        let targetPlugins = DatabaseURL.pluginsFile(beside: target)
        guard FileManager.default.fileExists(atPath: source) else { throw Refusal("there is no backup at \(source)") }
        for existing in [target, targetPlugins, target + "-wal", targetPlugins + "-wal"] where FileManager.default.fileExists(atPath: existing) {
            throw Refusal("\(existing) already exists; restore into a new path (or move the old database away first, with the server stopped)")
        }
        let hasPlugins = FileManager.default.fileExists(atPath: sourcePlugins)
        try check(source, core: true)
        if hasPlugins { try check(sourcePlugins, core: false) }
        try place(source, at: target)
        if hasPlugins {
            do { try place(sourcePlugins, at: targetPlugins) } catch {
                try? FileManager.default.removeItem(atPath: target)
                throw error
            }
        }
        return Files(core: target, plugins: hasPlugins ? targetPlugins : nil)
    }

    /// Refuses a file SQLite can't read as a sound database, or (for Crier's) one Crier never migrated.
    static func check(_ path: String, core: Bool) throws {
        let connection: SQLiteWriter
        do { connection = try SQLiteWriter(path: path) } catch {
            throw Refusal("\(path) is not a SQLite database Crier can read: \(error)")
        }
        defer { connection.close() }
        var verdict: [String] = []
        var migrations = 0
        do {
            try connection.run("PRAGMA integrity_check", []) { row in verdict.append((try? row.decode(column: "integrity_check", as: String.self)) ?? "?") }
            if core {
                try connection.run("SELECT COUNT(*) AS n FROM schema_migrations", []) { row in migrations = try row.decode(column: "n", as: Int.self) }
            }
        } catch {
            throw Refusal("\(path) is not a Crier backup: \(error)")
        }
        guard verdict == ["ok"] else { throw Refusal("\(path) is damaged: \(verdict.prefix(3).joined(separator: "; "))") }
        guard !core || migrations > 0 else { throw Refusal("\(path) is not a Crier backup: it has no migrations") }
    }

    /// Copies `source` to a temporary file beside `target`, flushes it, and renames it into place.
    static func place(_ source: String, at target: String) throws {
        let partial = target + ".restoring"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            try FileManager.default.copyItem(atPath: source, toPath: partial)
            guard let handle = FileHandle(forUpdatingAtPath: partial) else { throw Refusal("cannot open \(partial)") }
            try handle.synchronize()
            try handle.close()
            guard rename(partial, target) == 0 else { throw Refusal("cannot move \(partial) to \(target): \(String(cString: strerror(errno)))") }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }
}
