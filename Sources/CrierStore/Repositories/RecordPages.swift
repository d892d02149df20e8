import CrierCore
import Foundation
import SQLKit

/// The venue's records read in id order, a page at a time from just after a given id (keyset
/// paging: each page is one indexed range read, so exporting a million rows takes constant memory
/// and no page gets slower than the first).
public struct RecordPages: Sendable {
    let store: Store

    public func customerCount(venueId: Int64) async throws -> Int {
        try await store.engine.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM customers WHERE venue_id = \(bind: venueId)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    public func customers(venueId: Int64, after: Int64, limit: Int) async throws -> [Customer] {
        try await store.engine.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: Customers.columns) FROM customers WHERE venue_id = \(bind: venueId) AND id > \(bind: after)
                ORDER BY id LIMIT \(bind: limit)
                """).all().map(Customers.decode)
        }
    }

    /// Events with ids above `after`, in id order.
    public func events(venueId: Int64, after: Int64, limit: Int) async throws -> [Event] {
        try await store.engine.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: Events.columns) FROM events WHERE venue_id = \(bind: venueId) AND id > \(bind: after)
                ORDER BY id LIMIT \(bind: limit)
                """).all().map(Events.decode)
        }
    }

    public func event(venueId: Int64, id: Int64) async throws -> Event? {
        try await store.engine.read { db in
            try await db.raw("SELECT \(unsafeRaw: Events.columns) FROM events WHERE id = \(bind: id) AND venue_id = \(bind: venueId)")
                .first().map(Events.decode)
        }
    }

    /// Bookings with their customer's name and mobile and their event's name and start.
    public func bookings(venueId: Int64, eventId: Int64?, after: Int64, limit: Int)
        async throws -> [(booking: Booking, customerName: String, mobile: String, eventName: String, startsAt: Date)]
    {
        let columns = Bookings.columns.split(separator: ",").map { "b." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
        return try await store.engine.read { db in
            var sql = SQLQueryString("""
                SELECT \(unsafeRaw: columns), c.first_name, c.last_name, c.mobile, e.name AS event_name, e.starts_at AS event_starts_at
                FROM bookings b JOIN customers c ON c.id = b.customer_id JOIN events e ON e.id = b.event_id
                WHERE b.venue_id = \(bind: venueId) AND b.id > \(bind: after)
                """)
            if let eventId { sql += " AND b.event_id = \(bind: eventId)" }
            sql += " ORDER BY b.id LIMIT \(bind: limit)"
            return try await db.raw(sql).all().map { row in
                (try Bookings.decode(row),
                 "\(try row.decode(column: "first_name", as: String.self)) \(try row.decode(column: "last_name", as: String.self))",
                 try row.decode(column: "mobile", as: String.self), try row.decode(column: "event_name", as: String.self),
                 Date(millisecondsSince1970: try row.decode(column: "event_starts_at", as: Int64.self)))
            }
        }
    }

    public func messages(venueId: Int64, after: Int64, limit: Int) async throws -> [Message] {
        try await store.engine.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: Messages.columns) FROM messages WHERE venue_id = \(bind: venueId) AND id > \(bind: after)
                ORDER BY id LIMIT \(bind: limit)
                """).all().map(Messages.decode)
        }
    }

    public func messages(venueId: Int64, ids: [Int64]) async throws -> [Message] {
        guard !ids.isEmpty else { return [] }
        return try await store.engine.read { db in
            let list = ids.map { SQLQueryString("\(bind: $0)") }.joined(separator: ", ")
            return try await db.raw("""
                SELECT \(unsafeRaw: Messages.columns) FROM messages WHERE venue_id = \(bind: venueId) AND id IN (\(list))
                """).all().map(Messages.decode)
        }
    }

    public func consentChanges(venueId: Int64, after: Int64, limit: Int) async throws -> [ConsentChange] {
        try await store.engine.read { db in
            try await db.raw("""
                SELECT id, customer_id, purpose, granted, source, note, changed_at FROM consent_changes
                WHERE venue_id = \(bind: venueId) AND id > \(bind: after) ORDER BY id LIMIT \(bind: limit)
                """).all().map(Consents.decodeChange)
        }
    }
}
