import CrierCore
import Foundation
import SQLKit

/// A venue's own wording for its texts, overriding the bundled defaults by template name.
public struct SMSTemplates: Sendable {
    let store: Store

    /// The venue's overrides by name.
    public func overrides(venueId: Int64) async throws -> [String: String] {
        try await store.engine.read { db in
            try await db.raw("SELECT name, body FROM sms_templates WHERE venue_id = \(bind: venueId)").all()
                .reduce(into: [String: String]()) { $0[try $1.decode(column: "name", as: String.self)] = try $1.decode(column: "body", as: String.self) }
        }
    }

    /// Saves an override after checking it against the fields its kind provides (strict templates);
    /// journaled with `actor` and the new wording.
    public func set(venueId: Int64, name: String, body: String, actor: Actor) async throws {
        guard let kind = TemplateRules.kind(ofTemplate: name) else { throw CrierError.notFound("template '\(name)'") }
        let problems = TemplateRules.problems(body, kind: kind)
        guard problems.isEmpty else { throw CrierError.invalid(FieldErrors("body", problems.joined(separator: "; "))) }
        guard body.count <= 1600 else { throw CrierError.invalid(FieldErrors("body", "must be at most 1600 characters")) }
        let now = store.clock.now()
        try await store.engine.transaction { db in
            let old = try await db.raw("SELECT body FROM sms_templates WHERE venue_id = \(bind: venueId) AND name = \(bind: name)").first()
            guard try old?.decode(column: "body", as: String.self) != body else { return }
            try await db.raw("""
                INSERT INTO sms_templates (venue_id, name, body, updated_at)
                VALUES (\(bind: venueId), \(bind: name), \(bind: body), \(bind: now.millisecondsSince1970))
                ON CONFLICT (venue_id, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """).run()
            try await JournalWriter(db: db, actor: actor, at: now).append(
                venueId: venueId, customerId: nil, subjectId: venueId, .templateChanged(TemplateChanged(name: name, body: body)))
        }
    }

    /// Drops an override: the bundled default applies again. Journaled when there was one.
    public func reset(venueId: Int64, name: String, actor: Actor) async throws {
        let now = store.clock.now()
        try await store.engine.transaction { db in
            let gone = try await db.raw("""
                DELETE FROM sms_templates WHERE venue_id = \(bind: venueId) AND name = \(bind: name) RETURNING name
                """).all()
            guard !gone.isEmpty else { return }
            try await JournalWriter(db: db, actor: actor, at: now).append(
                venueId: venueId, customerId: nil, subjectId: venueId, .templateReset(TemplateChanged(name: name)))
        }
    }
}
