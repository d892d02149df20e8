import Contacts
import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Logging
import SQLKit
import Testing

@testable import Timeline

/// On SQLite the plugins' tables live in a file of their own, so a projection's batch never holds
/// the writer webhooks wait for. A database from before the split has them moved there when it is
/// opened: staff notes, projections and checkpoints kept, nothing built twice.
struct PluginFileTests {
    static let logger = {
        var logger = Logger(label: "plugin-file-test")
        logger.logLevel = .warning
        return logger
    }()

    /// Builds the layout an earlier version wrote (every plugin table in Crier's file) at `path`:
    /// a history, projections caught up and a staff note. Returns the timeline and contacts as built.
    static func oldLayout(at path: String, clock: ManualClock) async throws -> (timeline: String, contacts: String, positions: [Int64]) {
        let host = try testPluginHost([ContactsPlugin.self, TimelinePlugin.self], clock: clock)
        // A store whose plugins share Crier's engine: their tables go into Crier's file.
        let old = Store(engine: try await SQLiteEngine.open(path: path, logger: logger), clock: clock, logger: logger)
        return try await old.withRunning { store in
            try await store.migrate()
            try await host.migrate(store)
            let runner = host.projections(store: store)
            let venue = try await store.makeVenue()
            let (ann, _, _) = try await ContactsPluginTests.history(store, venue) { try await runner.catchUp() }
            let caller = PluginCaller(venueId: venue.id, venueIds: [venue.id], actor: .staff(1), actorName: "ann@crown.test", role: .staff,
                                      canWrite: true, csrfToken: nil)
            _ = try await TimelineNotes.add(customerId: ann.id, body: "Prefers the window table", caller: caller,
                                            services: host.services(for: "timeline", store: store))
            try await runner.catchUp()
            let tables = try await store.engine.read { db in
                try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all().map { try $0.decode(column: "name", as: String.self) }
            }
            #expect(tables.contains("timeline_notes") && tables.contains("contacts"))
            return (try await TimelinePluginTests.snapshot(store), try await ContactsPluginTests.snapshot(store),
                    try await store.checkpoints.all().map(\.position))
        }
    }

    static func tables(_ engine: any DatabaseEngine) async throws -> Set<String> {
        try await engine.read { db in
            Set(try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all()
                .map { try $0.decode(column: "name", as: String.self) })
        }
    }

    @Test
    func aDatabaseFromBeforeTheSplitHasItsPluginTablesMovedWithNotesAndCheckpoints() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crier-plugin-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("crier.sqlite").path
        let clock = ManualClock(testNow)
        let built = try await Self.oldLayout(at: path, clock: clock)
        #expect(built.timeline.contains("Prefers the window table") && built.positions.allSatisfy { $0 > 0 })
        // What Crier's file held before the move, to play back a crash between the copy and the drop.
        let beforeDrop = try Data(contentsOf: URL(fileURLWithPath: path))

        let host = try testPluginHost([ContactsPlugin.self, TimelinePlugin.self], clock: clock)
        for attempt in ["first open", "after a crash between the copy and the drop"] {
            let store = try await Store.open(.sqlite(path: path), clock: clock, logger: Self.logger)
            try await store.withRunning { store in
                try await store.migrate()
                // Nothing to migrate again, nothing to apply again: the tables came with their history.
                #expect(try await host.migrate(store) == 0, "\(attempt)")
                #expect(try await host.projections(store: store).catchUp() == 0, "\(attempt)")
                #expect(try await TimelinePluginTests.snapshot(store) == built.timeline, "\(attempt)")
                #expect(try await ContactsPluginTests.snapshot(store) == built.contacts, "\(attempt)")
                #expect(try await store.checkpoints.all().map(\.position) == built.positions, "\(attempt)")
                let core = try await Self.tables(store.engine)
                #expect(core.isDisjoint(with: ["timeline_items", "timeline_notes", "timeline_events", "contacts", "contact_bookings"]), "\(attempt)")
                #expect(core.contains("journal") && core.contains("customers"))
                let plugins = try await Self.tables(store.pluginEngine)
                #expect(plugins.isSuperset(of: ["timeline_items", "timeline_notes", "contacts", "plugin_checkpoints", "schema_migrations"]))
                #expect(plugins.isDisjoint(with: ["journal", "customers", "messages"]), "\(attempt)")
                #expect(try await store.checkpoints.all().count == 2)
            }
            // As if the drop had never committed: Crier's file as it was, the plugins' file already holding the copy.
            try beforeDrop.write(to: URL(fileURLWithPath: path))
        }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("crier-plugins.sqlite").path))
    }

    @Test
    func thePluginsFileSitsBesideCriersWhateverItsName() {
        #expect(DatabaseURL.pluginsFile(beside: "/var/lib/crier/crier.sqlite") == "/var/lib/crier/crier-plugins.sqlite")
        #expect(DatabaseURL.pluginsFile(beside: "data/venue.db") == "data/venue-plugins.db")
        #expect(DatabaseURL.pluginsFile(beside: "crier") == "crier-plugins")
        #expect(DatabaseURL.pluginsFile(beside: "/srv/v1.2/crier") == "/srv/v1.2/crier-plugins")
        #expect(DatabaseURL.pluginsFile(beside: "/srv/.hidden") == "/srv/.hidden-plugins")
    }

    #if os(Linux)
    /// The plugins' writer, where projection batches run, yields the CPU to Crier's own writer
    /// and the requests: its thread runs at a nice value of 10, Crier's writer at 0.
    @Test
    func thePluginsWriterRunsBelowCriersOwn() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crier-plugin-nice-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try await Store.open(.sqlite(path: dir.appendingPathComponent("crier.sqlite").path), clock: ManualClock(SystemClock().now()), logger: Self.logger)
        try await store.withRunning { store async throws in
            let nice: @Sendable (any SQLDatabase) async throws -> Int32 = { _ in getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
            #expect(try await store.pluginEngine.transaction(nice) == 10)
            #expect(try await store.engine.transaction(nice) == 0)
        }
    }
    #endif
}
