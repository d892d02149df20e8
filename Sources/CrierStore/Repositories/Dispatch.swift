import CrierCore
import Foundation
import SQLKit

/// Everything the dispatcher needs to decide about, render and send one claimed message.
public struct DispatchContext: Sendable {
    public var message: Message
    public var venue: Venue
    public var customer: Customer?
    public var consent: ConsentState?
    public var booking: Booking?
    public var event: Event?
    /// The venue's provider plugin id and its settings.
    public var provider: String
    public var providerSettings: [String: String]
    /// The venue's template overrides by name.
    public var templates: [String: String]
}

/// The outbox's sending side: atomic claims (safe with several processes), leases, the batch's
/// re-check data, and (in `DispatchRecording.swift`) outcomes recorded through the one state machine.
public struct Dispatch: Sendable {
    let store: Store

    /// Claims up to `limit` due messages for `worker`, leasing them for `lease` seconds.
    /// PostgreSQL skips rows another instance has locked; SQLite's writer lock makes the
    /// single UPDATE ... RETURNING atomic.
    public func claimDue(limit: Int, lease: TimeInterval, worker: String) async throws -> [Message] {
        let now = store.clock.now()
        let skipLocked = store.engine.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await store.engine.transaction { db in
            try await db.raw("""
                UPDATE messages SET status = 'sending', lease_until = \(bind: now.addingTimeInterval(lease).millisecondsSince1970),
                    claimed_by = \(bind: worker), attempts = attempts + 1, updated_at = \(bind: now.millisecondsSince1970)
                WHERE id IN (SELECT id FROM messages WHERE status = 'scheduled' AND scheduled_for <= \(bind: now.millisecondsSince1970)
                             ORDER BY scheduled_for, id LIMIT \(bind: limit)\(unsafeRaw: skipLocked))
                RETURNING \(unsafeRaw: Messages.columns)
                """).all().map(Messages.decode).sorted { ($0.scheduledFor ?? now, $0.id) < ($1.scheduledFor ?? now, $1.id) }
        }
    }

    /// Extends the leases of those of `ids` still claimed by `worker` and returns them: a message
    /// whose lease ran out (and may have been settled as `unknown` elsewhere) is not sent.
    public func renewLeases(_ ids: [Int64], lease: TimeInterval, worker: String) async throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        let now = store.clock.now()
        return try await store.engine.transaction { db in
            Set(try await db.raw("""
                UPDATE messages SET lease_until = \(bind: now.addingTimeInterval(lease).millisecondsSince1970)
                WHERE id IN (\(binds: ids)) AND status = 'sending' AND claimed_by = \(bind: worker)
                RETURNING id
                """).all().map { try $0.decode(column: "id", as: Int64.self) })
        }
    }

    /// Moves messages whose dispatcher vanished mid-send (lease over) to `unknown`: they are never
    /// resent automatically; a status callback or staff settle them. Returns how many.
    public func expireLeases() async throws -> Int {
        let now = store.clock.now()
        return try await store.engine.transaction { db in
            let rows = try await db.raw("""
                UPDATE messages SET status = 'unknown', reason = \(bind: MessageReason.leaseExpired), updated_at = \(bind: now.millisecondsSince1970)
                WHERE status = 'sending' AND lease_until < \(bind: now.millisecondsSince1970)
                RETURNING id, venue_id, customer_id, kind
                """).all()
            let journal = JournalWriter(db: db, actor: .system, at: now)
            for row in rows {
                try await journal.append(
                    venueId: try row.decode(column: "venue_id", as: Int64.self), customerId: try row.decode(column: "customer_id", as: Int64?.self),
                    kind: JournalKind.messageUnknown, subjectType: "message", subjectId: try row.decode(column: "id", as: Int64.self),
                    data: ["kind": .string(try row.decode(column: "kind", as: String.self)), "reason": .string(MessageReason.leaseExpired)])
            }
            return rows.count
        }
    }

    /// Loads what the dispatcher re-checks before sending, for a whole claimed batch in a few
    /// queries (one per table, not one per message): current venue, customer, consent, booking and
    /// event. `templates` are the venues' overrides, read once per pass. A message whose venue is
    /// gone has no context.
    public func contexts(for messages: [Message], templates: [Int64: [String: String]]) async throws -> [Int64: DispatchContext] {
        guard !messages.isEmpty else { return [:] }
        return try await store.engine.read { db in
            var venues: [Int64: (venue: Venue, provider: String, settings: [String: String])] = [:]
            for row in try await db.raw("""
                SELECT \(unsafeRaw: Venues.columns), provider, provider_settings FROM venues
                WHERE id IN (\(binds: Array(Set(messages.map(\.venueId)))))
                """).all() {
                let text = try row.decode(column: "provider_settings", as: String.self)
                let settings = (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
                let venue = try Venues.decode(row)
                venues[venue.id] = (venue, try row.decode(column: "provider", as: String.self), settings)
            }
            var customers: [Int64: (Customer, ConsentState)] = [:]
            let customerIds = Array(Set(messages.compactMap(\.customerId)))
            if !customerIds.isEmpty {
                for row in try await db.raw("""
                    SELECT \(unsafeRaw: Customers.columns), sms_transactional, sms_marketing FROM customers WHERE id IN (\(binds: customerIds))
                    """).all() {
                    let customer = try Customers.decode(row)
                    customers[customer.id] = (customer, ConsentState(
                        transactional: try row.decode(column: "sms_transactional", as: Bool.self),
                        marketing: try row.decode(column: "sms_marketing", as: Bool.self)))
                }
            }
            var bookings: [Int64: Booking] = [:]
            let bookingIds = Array(Set(messages.compactMap(\.bookingId)))
            if !bookingIds.isEmpty {
                for row in try await db.raw("SELECT \(unsafeRaw: Bookings.columns) FROM bookings WHERE id IN (\(binds: bookingIds))").all() {
                    let booking = try Bookings.decode(row)
                    bookings[booking.id] = booking
                }
            }
            var events: [Int64: Event] = [:]
            let eventIds = Array(Set(messages.compactMap(\.eventId)))
            if !eventIds.isEmpty {
                for row in try await db.raw("SELECT \(unsafeRaw: Events.columns) FROM events WHERE id IN (\(binds: eventIds))").all() {
                    let event = try Events.decode(row)
                    events[event.id] = event
                }
            }
            var contexts: [Int64: DispatchContext] = [:]
            for m in messages {
                guard let v = venues[m.venueId] else { continue }
                // Rows of another venue are never this message's, whatever their ids say.
                let customer = m.customerId.flatMap { customers[$0] }.flatMap { $0.0.venueId == m.venueId ? $0 : nil }
                contexts[m.id] = DispatchContext(
                    message: m, venue: v.venue, customer: customer?.0, consent: customer?.1,
                    booking: m.bookingId.flatMap { bookings[$0] }.flatMap { $0.venueId == m.venueId ? $0 : nil },
                    event: m.eventId.flatMap { events[$0] }.flatMap { $0.venueId == m.venueId ? $0 : nil },
                    provider: v.provider, providerSettings: v.settings, templates: templates[m.venueId] ?? [:])
            }
            return contexts
        }
    }

    /// How many texts each of `numbers` was handed to a provider since `since` (the flood guard's
    /// counts), in one query.
    public func sentCounts(to numbers: [String], since: Date) async throws -> [String: Int] {
        guard !numbers.isEmpty else { return [:] }
        return try await store.engine.read { db in
            var counts: [String: Int] = [:]
            for row in try await db.raw("""
                SELECT to_number, COUNT(*) AS n FROM messages
                WHERE to_number IN (\(binds: Array(Set(numbers)))) AND sent_at >= \(bind: since.millisecondsSince1970)
                GROUP BY to_number
                """).all() {
                counts[try row.decode(column: "to_number", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return counts
        }
    }

    /// Scheduled messages due by `moment`, soonest first (what `crier reminders preview --at` lists),
    /// of one venue or all, of some kinds or all.
    public func due(by moment: Date, limit: Int, venueId: Int64? = nil, kinds: [MessageKind]? = nil) async throws -> [Message] {
        try await store.engine.read { db in
            var sql = SQLQueryString("""
                SELECT \(unsafeRaw: Messages.columns) FROM messages WHERE status = 'scheduled' AND scheduled_for <= \(bind: moment.millisecondsSince1970)
                """)
            if let venueId { sql += " AND venue_id = \(bind: venueId)" }
            if let kinds { sql += " AND kind IN (\(binds: kinds.map(\.rawValue)))" }
            sql += " ORDER BY scheduled_for, id LIMIT \(bind: limit)"
            return try await db.raw(sql).all().map(Messages.decode)
        }
    }
}
