import CrierPluginKit
import Foundation

/// A plugin that uses every kind of contribution, for the host's tests: its projection counts
/// journal entries by kind one statement per entry, so an entry applied twice shows.
struct ProbePlugin: CrierPlugin {
    static let id = "probe"
    static let version = "0.3.0"

    init(context: PluginContext) throws {
        if context.settings["refuse"] != nil { throw PluginSettingError(setting: "refuse", message: "was set") }
    }

    func register(with registrar: any PluginRegistrar) {
        registrar.addMigrations([
            PluginMigration(version: 1, name: "counts") { flavor in
                ["CREATE TABLE probe_counts (kind TEXT PRIMARY KEY, n BIGINT NOT NULL)",
                 "CREATE TABLE probe_notes (id \(flavor.idColumn), text TEXT NOT NULL)"]
            },
        ])
        registrar.addProjection(ProbeProjection())
        registrar.addNavigation(NavigationEntry(title: "Probe", path: "/plugins/probe"))
        registrar.addCustomerPanel(CustomerPanel(title: "Probe panel") { customerId, caller, _ in
            "<p>probe panel for customer \(customerId) in venue \(caller.venueId)</p>"
        })
        registrar.addRoute(.page(.get, "") { _ in .page(title: "Probe", html: "<h1>Probe</h1>") })
        registrar.addRoute(.page(.post, "notes") { request in
            let text = request.form["text"] ?? ""
            try await request.services.database.transaction { db in
                try await db.raw("INSERT INTO probe_notes (text) VALUES (\(bind: text))").run()
            }
            return .redirect("/plugins/probe")
        })
        registrar.addRoute(.page(.get, "managers", managersOnly: true) { _ in .page(title: "Managers", html: "<h1>Managers only</h1>") })
        registrar.addRoute(.api(.get, "counts/{kind}", APIOperation(
            "count", "How many journal entries of a kind were seen", tag: "Probe", parameters: [.path("kind", .string())],
            responses: [.ok(.object(["kind": .string(), "n": .integer(), "venue_id": .id]))])) { request in
            let kind = request.parameters["kind"] ?? ""
            let n = try await request.services.database.read { db in
                try await db.raw("SELECT n FROM probe_counts WHERE kind = \(bind: kind)").first()?.decode(column: "n", as: Int.self) ?? 0
            }
            return .json(["kind": .string(kind), "n": .from(n), "venue_id": .number(Double(request.caller.venueId))])
        })
        registrar.addRoute(.api(.post, "notes", APIOperation(
            "addNote", "Echo a note", tag: "Probe", body: .json(.object(["text": .string()], required: ["text"])),
            responses: [.created(.object(["text": .string()]))])) { request in
            guard let text = try request.json()["text"]?.stringValue else { throw CrierError.invalid(FieldErrors("text", "is required")) }
            return .json(["text": .string(text)], status: 201)
        })
        registrar.addJob(PeriodicJob(name: "tidy", interval: .seconds(3600)) { _ in })
        registrar.addCommand(PluginCommand(name: "count", abstract: "Print how many entries were counted.") { _, context in
            let total = try await ProbeProjection.total(context.services.database)
            try await context.output.write(Array("\(total)\n".utf8))
        })
    }
}

struct ProbeProjection: JournalProjection {
    let name = "counts"

    func apply(_ entries: [JournalEntry], in db: any SQLDatabase, services: PluginServices) async throws {
        for entry in entries {
            try await db.raw("""
                INSERT INTO probe_counts (kind, n) VALUES (\(bind: entry.kind), 1)
                ON CONFLICT (kind) DO UPDATE SET n = probe_counts.n + 1
                """).run()
        }
    }

    func reset(in db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM probe_counts").run()
    }

    static func total(_ database: any PluginDatabase) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS total FROM probe_counts").first()?.decode(column: "total", as: Int.self) ?? 0
        }
    }
}
