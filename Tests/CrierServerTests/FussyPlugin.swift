import CrierPluginKit
import Foundation
import Synchronization

/// A plugin whose projection fails on a customer named "Boom" while `refusing` is set, after
/// writing a row, for the runner's tests: that projection alone is rolled back and retried.
struct FussyPlugin: CrierPlugin {
    static let id = "fussy"
    static let version = "0.1.0"
    static let refusing = Atomic<Bool>(true)

    init(context: PluginContext) throws {}

    func register(with registrar: any PluginRegistrar) {
        registrar.addMigrations([
            PluginMigration(version: 1, name: "seen") { _ in ["CREATE TABLE fussy_seen (entry_id BIGINT PRIMARY KEY)"] }
        ])
        registrar.addProjection(FussyProjection())
    }
}

struct FussyProjection: JournalProjection {
    let name = "seen"

    func apply(_ entries: [JournalEntry], in db: any SQLDatabase, services: PluginServices) async throws {
        for entry in entries {
            try await db.raw("INSERT INTO fussy_seen (entry_id) VALUES (\(bind: entry.id))").run()
            if case .customerCreated(let customer) = entry.event, customer.firstName == "Boom", FussyPlugin.refusing.load(ordering: .relaxed) {
                throw FussyRefusal()
            }
        }
    }

    func reset(in db: any SQLDatabase) async throws { try await db.raw("DELETE FROM fussy_seen").run() }

    static func seen(_ database: any PluginDatabase) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM fussy_seen").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}

struct FussyRefusal: Error, CustomStringConvertible {
    var description: String { "Boom refused" }
}
