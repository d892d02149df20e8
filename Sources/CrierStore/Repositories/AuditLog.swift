import CrierCore
import Foundation
import SQLKit

/// One journal entry as the audit log shows it: with who did it, by name.
public struct AuditEntry: Sendable, Equatable {
    public var entry: JournalEntry
    /// The staff member's email, `API key “name”`, `command line` or `Crier` (the scheduler, webhooks).
    public var who: String
}

/// Which entries the audit log lists: a kind (`staff.added`) or a group of kinds (`staff.`), and
/// one actor (`staff:3`, `api_key:2`, `cli`, `system`); nil lists all.
public struct AuditFilter: Sendable, Equatable {
    public var kind: String?
    public var actor: String?

    public init(kind: String? = nil, actor: String? = nil) {
        self.kind = kind
        self.actor = actor
    }
}

/// The venue-wide audit log: every journal entry of the venue (settings, provider, templates,
/// API keys, staff, and every record and text), newest first, with who did it.
public struct AuditLog: Sendable {
    let store: Store

    public func page(venueId: Int64, filter: AuditFilter, cursor: String?, limit: Int) async throws -> Page<AuditEntry> {
        let before = try cursor.map { c throws(CrierError) in try Cursor.decode(c, count: 1) }
        return try await store.engine.read { db in
            var sql = SQLQueryString("SELECT \(unsafeRaw: Journal.columns) FROM journal WHERE venue_id = \(bind: venueId)")
            if let kind = filter.kind {
                sql += kind.hasSuffix(".") ? " AND kind LIKE \(bind: kind + "%")" : " AND kind = \(bind: kind)"
            }
            if let actor = filter.actor { sql += " AND actor = \(bind: actor)" }
            if let id = before?[0].int64Value { sql += " AND id < \(bind: id)" }
            sql += " ORDER BY id DESC LIMIT \(bind: limit + 1)"
            let entries = try Journal.decode(try await db.raw(sql).all())
            let names = try await Self.names(db, actors: Set(entries.map(\.actor)))
            return Page(rows: entries.map { AuditEntry(entry: $0, who: names[$0.actor] ?? $0.actor) }, limit: limit) {
                [.number(Double($0.entry.id))]
            }
        }
    }

    /// Everyone who appears in the venue's journal, by name, for the "who" filter.
    public func actors(venueId: Int64) async throws -> [(actor: String, who: String)] {
        try await store.engine.read { db in
            let actors = try await db.raw("SELECT DISTINCT actor FROM journal WHERE venue_id = \(bind: venueId)").all()
                .map { try $0.decode(column: "actor", as: String.self) }
            let names = try await Self.names(db, actors: Set(actors))
            return actors.map { ($0, names[$0] ?? $0) }.sorted { $0.who.lowercased() < $1.who.lowercased() }
        }
    }

    /// `staff:3` → their email, `api_key:2` → `API key “website”`, and the rest in words.
    static func names(_ db: any SQLDatabase, actors: Set<String>) async throws -> [String: String] {
        var names: [String: String] = ["cli": "command line", "system": "Crier"]
        func ids(_ prefix: String) -> [Int64] { actors.compactMap { $0.hasPrefix(prefix) ? Int64($0.dropFirst(prefix.count)) : nil } }
        let staff = ids("staff:"), keys = ids("api_key:")
        if !staff.isEmpty {
            for row in try await db.raw("SELECT id, email FROM staff_users WHERE id IN (\(binds: staff))").all() {
                names["staff:\(try row.decode(column: "id", as: Int64.self))"] = try row.decode(column: "email", as: String.self)
            }
        }
        if !keys.isEmpty {
            for row in try await db.raw("SELECT id, name FROM api_keys WHERE id IN (\(binds: keys))").all() {
                names["api_key:\(try row.decode(column: "id", as: Int64.self))"] = "API key “\(try row.decode(column: "name", as: String.self))”"
            }
        }
        return names
    }
}
