import CrierCore
import CrierStore
import CrierTestSupport
import Testing

struct MigrationTests {
    @Test(arguments: TestEngines.all)
    func migrationsRunOnceAndAreRecorded(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            // withTestStore already migrated: a second run applies nothing.
            #expect(try await store.migrate() == 0)
            let versions = try await Migrator(engine: store.engine, logger: store.logger).appliedVersions(track: CoreMigrations.track)
            #expect(versions == CoreMigrations.all.map(\.version))
        }
    }

    @Test(arguments: TestEngines.all)
    func aFailingMigrationLeavesNothingBehind(engine: EngineKind) async throws {
        try await withTestStore(engine) { store async throws -> Void in
            let broken = Migration(version: 1, name: "half") { _ in
                ["CREATE TABLE plugin_half (id INTEGER)", "THIS IS NOT SQL"]
            }
            let migrator = Migrator(engine: store.engine, logger: store.logger)
            await #expect(throws: (any Error).self) { try await migrator.migrate(track: "test", [broken], now: 0) }
            #expect(try await migrator.appliedVersions(track: "test").isEmpty)
            // The table from the first statement was rolled back with the rest.
            let ok = Migration(version: 1, name: "whole") { _ in ["CREATE TABLE plugin_half (id INTEGER)"] }
            #expect(try await migrator.migrate(track: "test", [ok], now: 0) == 1)
        }
    }
}

struct SQLiteSettingsTests {
    /// WAL, FULL sync (an acknowledged booking survives a power cut) and a busy timeout, on every connection.
    @Test func sqliteRunsInWALWithFullSyncAndABusyTimeout() async throws {
        try await withTestStore(.sqlite) { store in
            for _ in 0..<4 {  // round-robins over the reader connections
                let (mode, sync, timeout) = try await store.engine.read { db in
                    (try await db.raw("PRAGMA journal_mode").first()!.decode(column: "journal_mode", as: String.self),
                     try await db.raw("PRAGMA synchronous").first()!.decode(column: "synchronous", as: Int.self),
                     try await db.raw("PRAGMA busy_timeout").first()!.decode(column: "timeout", as: Int.self))
                }
                #expect(mode == "wal")
                #expect(sync == 2)
                // Long enough to ride out another writer's commit, short enough to answer a
                // webhook 503 well inside the provider's timeout when the file is locked.
                #expect(timeout >= 1000 && timeout <= 5000)
            }
            let writerSync = try await store.engine.transaction { db in
                try await db.raw("PRAGMA synchronous").first()!.decode(column: "synchronous", as: Int.self)
            }
            #expect(writerSync == 2)
        }
    }
}
