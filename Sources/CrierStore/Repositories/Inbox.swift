import CrierCore
import Foundation
import SQLKit

/// One customer text in the staff inbox.
public struct InboxItem: Sendable, Equatable {
    public var message: Message
    /// When staff read it; nil while unread.
    public var readAt: Date?
    /// The sender's customer, when the number is one ("Ann Lee"); nil for an unmatched sender.
    public var customerName: String?
}

/// Which texts an inbox list shows.
public enum InboxFilter: String, Sendable, CaseIterable {
    case all, unread, read, unmatched
}

/// The staff inbox: customers' texts newest first, read marks, and linking an unknown sender.
public struct Inbox: Sendable {
    let store: Store

    public func list(venueId: Int64, filter: InboxFilter, cursor: String?, limit: Int) async throws -> Page<InboxItem> {
        let before = try cursor.map { c throws(CrierError) in try Cursor.decode(c, count: 1) }
        return try await store.engine.read { db in
            var sql = SQLQueryString("""
                SELECT \(unsafeRaw: Self.columns), m.read_at, c.first_name AS c_first, c.last_name AS c_last
                FROM messages m LEFT JOIN customers c ON c.id = m.customer_id
                WHERE m.venue_id = \(bind: venueId) AND m.direction = 'in'
                """)
            switch filter {
            case .all: break
            case .unread: sql += " AND m.read_at IS NULL"
            case .read: sql += " AND m.read_at IS NOT NULL"
            case .unmatched: sql += " AND m.customer_id IS NULL"
            }
            if let id = before?[0].int64Value { sql += " AND m.id < \(bind: id)" }
            sql += " ORDER BY m.id DESC LIMIT \(bind: limit + 1)"
            return Page(rows: try await db.raw(sql).all().map(Self.decode), limit: limit) { [.number(Double($0.message.id))] }
        }
    }

    /// How many texts staff haven't read yet (the inbox badge).
    public func unreadCount(venueId: Int64) async throws -> Int {
        try await store.engine.read { db in
            try await db.raw("""
                SELECT COUNT(*) AS n FROM messages WHERE venue_id = \(bind: venueId) AND direction = 'in' AND read_at IS NULL
                """).first()!.decode(column: "n", as: Int.self)
        }
    }

    public func get(venueId: Int64, id: Int64) async throws -> InboxItem {
        try await store.engine.read { db in try await Self.fetch(db, venueId: venueId, id: id) }
    }

    /// Marks a text read (or unread again); returns it.
    public func mark(venueId: Int64, id: Int64, read: Bool) async throws -> InboxItem {
        let now = store.clock.now()
        return try await store.engine.transaction { db in
            _ = try await Self.fetch(db, venueId: venueId, id: id)
            try await db.raw("""
                UPDATE messages SET read_at = \(bind: read ? now.millisecondsSince1970 : nil) WHERE id = \(bind: id)
                """).run()
            return try await Self.fetch(db, venueId: venueId, id: id)
        }
    }

    /// Files a text (and every other unmatched one from the same number) under a customer of the
    /// venue, journaled; returns it.
    public func link(venueId: Int64, id: Int64, customerId: Int64, actor: Actor) async throws -> InboxItem {
        let now = store.clock.now()
        return try await store.engine.transaction { db in
            let item = try await Self.fetch(db, venueId: venueId, id: id)
            guard try await db.raw("SELECT id FROM customers WHERE id = \(bind: customerId) AND venue_id = \(bind: venueId)").first() != nil else {
                throw CrierError.invalid(FieldErrors("customer_id", "no such customer at this venue"))
            }
            let rows = try await db.raw("""
                UPDATE messages SET customer_id = \(bind: customerId), updated_at = \(bind: now.millisecondsSince1970)
                WHERE venue_id = \(bind: venueId) AND direction = 'in'
                  AND (id = \(bind: id) OR (customer_id IS NULL AND from_number = \(bind: item.message.from ?? "")))
                RETURNING id
                """).all()
            let journal = JournalWriter(db: db, actor: actor, at: now)
            for row in rows {
                try await journal.append(
                    venueId: venueId, customerId: customerId, subjectId: try row.decode(column: "id", as: Int64.self),
                    .messageLinked(MessageLinked(from: item.message.from, previousCustomerId: item.message.customerId)))
            }
            return try await Self.fetch(db, venueId: venueId, id: id)
        }
    }

    static let columns = Messages.columns.split(separator: ",").map { "m." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        .joined(separator: ", ")

    static func fetch(_ db: any SQLDatabase, venueId: Int64, id: Int64) async throws -> InboxItem {
        guard let row = try await db.raw("""
            SELECT \(unsafeRaw: columns), m.read_at, c.first_name AS c_first, c.last_name AS c_last
            FROM messages m LEFT JOIN customers c ON c.id = m.customer_id
            WHERE m.id = \(bind: id) AND m.venue_id = \(bind: venueId) AND m.direction = 'in'
            """).first()
        else { throw CrierError.notFound("inbox message") }
        return try decode(row)
    }

    static func decode(_ row: any SQLRow) throws -> InboxItem {
        let first = try row.decode(column: "c_first", as: String?.self)
        let last = try row.decode(column: "c_last", as: String?.self)
        return InboxItem(
            message: try Messages.decode(row),
            readAt: try row.decode(column: "read_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
            customerName: first.map { [$0, last ?? ""].joined(separator: " ").trimmingCharacters(in: .whitespaces) })
    }

    /// Queues a staff-written text to a customer through the outbox (so every send rule applies:
    /// consent, kill switch, quiet hours do not, as it is an answer). `idempotencyKey`, when the
    /// caller gives one, makes a retried request return the first message instead of texting twice.
    public func reply(venueId: Int64, customerId: Int64, body: String, idempotencyKey: String?, actor: Actor) async throws
        -> (message: Message, created: Bool)
    {
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors = FieldErrors()
        if text.isEmpty { errors.add("body", "is required") }
        if text.count > 1600 { errors.add("body", "is longer than 1600 characters (10 texts)") }
        if !errors.isEmpty { throw CrierError.invalid(errors) }
        let now = store.clock.now()
        let key = "manual:venue:\(venueId):" + (idempotencyKey ?? UUID().uuidString)
        return try await store.engine.transaction { db in
            guard let row = try await db.raw("SELECT mobile FROM customers WHERE id = \(bind: customerId) AND venue_id = \(bind: venueId)").first()
            else { throw CrierError.notFound("customer") }
            let mobile = PhoneNumber(trusted: try row.decode(column: "mobile", as: String.self))
            let created = try await Outbox(db: db, journal: JournalWriter(db: db, actor: actor, at: now)).enqueue(
                venueId: venueId, customerId: customerId, bookingId: nil, eventId: nil, kind: .manual, to: mobile, key: key, at: now, body: text)
            guard let message = try await db.raw("""
                SELECT \(unsafeRaw: Messages.columns) FROM messages WHERE idempotency_key = \(bind: key) AND venue_id = \(bind: venueId)
                """).first().map(Messages.decode)
            else { throw StoreFailure("queued message not found") }
            return (message, created)
        }
    }
}
