import CrierPluginKit
import Foundation

/// A note staff wrote on a customer's timeline. Notes are typed by people, so a rebuild keeps
/// them; deleting the customer deletes them.
struct TimelineNote: Codable, Sendable, Equatable {
    var id: Int64
    var venueId: Int64
    var customerId: Int64
    var body: String
    /// Who wrote it, as an actor (`staff:3`), and how staff know them (their email).
    var author: String
    var authorName: String
    var createdAt: Int64
    var updatedAt: Int64
    /// Who last edited it, when not the author.
    var editedBy: String?
}

/// Adding, editing and deleting notes. The author may change their own note; owners, managers
/// and the venue's API keys may change anyone's.
enum TimelineNotes {
    static let maxLength = 2000

    static func body(_ text: String?) throws -> String {
        let body = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if body.isEmpty { throw CrierError.invalid(FieldErrors("body", "is required")) }
        if body.count > maxLength { throw CrierError.invalid(FieldErrors("body", "must be at most \(maxLength) characters")) }
        return body
    }

    /// The customer must be one of the caller's venue's: a 404 otherwise, as for the core's routes.
    static func requireCustomer(_ id: Int64, _ caller: PluginCaller, _ services: PluginServices) async throws -> Customer {
        guard let customer = try await services.records.customer(venueId: caller.venueId, id: id) else {
            throw CrierError.notFound("customer")
        }
        return customer
    }

    static func add(customerId: Int64, body text: String?, caller: PluginCaller, services: PluginServices) async throws -> TimelineNote {
        let body = try Self.body(text)
        _ = try await requireCustomer(customerId, caller, services)
        let now = TimelineFilter.millis(services.clock.now())
        let venue = caller.venueId
        let author = caller.actor.description, name = caller.actorName
        return try await services.database.transaction { db in
            let row = try await db.raw("""
                INSERT INTO timeline_notes (venue_id, customer_id, body, author, author_name, created_at, updated_at)
                VALUES (\(bind: venue), \(bind: customerId), \(bind: body), \(bind: author), \(bind: name), \(bind: now), \(bind: now))
                RETURNING id
                """).first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else { throw CrierError.notFound("note") }
            return TimelineNote(
                id: id, venueId: venue, customerId: customerId, body: body, author: author, authorName: name, createdAt: now, updatedAt: now)
        }
    }

    static func edit(id: Int64, body text: String?, caller: PluginCaller, services: PluginServices) async throws -> TimelineNote {
        let body = try Self.body(text)
        let now = TimelineFilter.millis(services.clock.now())
        return try await services.database.transaction { db in
            var note = try await Self.changeable(db, id: id, caller: caller)
            note.body = body
            note.updatedAt = now
            if note.author != caller.actor.description { note.editedBy = caller.actorName }
            try await db.update("timeline_notes").set("body", to: body).set("updated_at", to: now).set("edited_by", to: note.editedBy)
                .where("id", .equal, id).run()
            return note
        }
    }

    /// Deletes the note and returns the customer it was on.
    static func delete(id: Int64, caller: PluginCaller, services: PluginServices) async throws -> Int64 {
        try await services.database.transaction { db in
            let note = try await Self.changeable(db, id: id, caller: caller)
            try await db.delete(from: "timeline_notes").where("id", .equal, id).run()
            return note.customerId
        }
    }

    static func one(_ db: any SQLDatabase, id: Int64, venueId: Int64) async throws -> TimelineNote? {
        try await db.select().column("*").from("timeline_notes").where("id", .equal, id).where("venue_id", .equal, venueId)
            .first(decoding: TimelineNote.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The venue's note, if the caller may change it: another venue's is a 404, someone else's a 403.
    static func changeable(_ db: any SQLDatabase, id: Int64, caller: PluginCaller) async throws -> TimelineNote {
        guard let note = try await one(db, id: id, venueId: caller.venueId) else { throw CrierError.notFound("note") }
        guard mayChange(note, caller) else {
            throw CrierError.forbidden("Only the note's author or the venue's owners and managers can change it.")
        }
        return note
    }

    /// An API key speaks for the whole venue, as an owner would.
    static func mayChange(_ note: TimelineNote, _ caller: PluginCaller) -> Bool {
        note.author == caller.actor.description || caller.canManage || (caller.role == nil && caller.canWrite)
    }
}
