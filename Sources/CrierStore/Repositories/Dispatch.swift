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

    /// Claims up to `limit` due messages for `worker`, leasing them for `lease` seconds. A claim
    /// is only a lease: the messages stay `scheduled` (a STOP or a cancellation still withdraws
    /// them), and one that lapses before its hand-off is simply claimable again. A person's text
    /// waits while an earlier one of theirs is in flight, claimed elsewhere, or waiting for a
    /// retry, so one person's texts go in the order they were created. PostgreSQL skips rows
    /// another instance has locked; SQLite's writer lock makes the single UPDATE atomic.
    public func claimDue(limit: Int, lease: TimeInterval, worker: String) async throws -> [Message] {
        let now = store.clock.now().millisecondsSince1970
        let skipLocked = store.engine.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let claimable = MessageTransition.sources(of: .claim).map(\.rawValue)
        return try await store.engine.transaction { db in
            try await db.raw("""
                UPDATE messages SET lease_until = \(bind: now + Int64(lease * 1000)), claimed_by = \(bind: worker)
                WHERE id IN (
                    SELECT m.id FROM messages m
                    WHERE m.status IN (\(binds: claimable)) AND m.scheduled_for <= \(bind: now)
                      AND (m.lease_until IS NULL OR m.lease_until < \(bind: now))
                      AND NOT EXISTS (
                        SELECT 1 FROM messages o
                        WHERE o.venue_id = m.venue_id AND o.to_number = m.to_number AND o.id < m.id AND o.direction = 'out'
                          AND (o.status = 'sending'
                               OR (o.status = 'scheduled' AND (o.attempts > 0
                                   OR (o.scheduled_for <= \(bind: now) AND o.lease_until >= \(bind: now))))))
                    ORDER BY m.scheduled_for, m.id LIMIT \(bind: limit)\(unsafeRaw: skipLocked))
                RETURNING \(unsafeRaw: Messages.columns)
                """).all().map(Messages.decode).sorted { ($0.scheduledFor ?? .distantPast, $0.id) < ($1.scheduledFor ?? .distantPast, $1.id) }
        }
    }

    /// Extends `worker`'s claims on those of `ids` not yet handed off.
    public func renewClaims(_ ids: [Int64], lease: TimeInterval, worker: String) async throws {
        guard !ids.isEmpty else { return }
        let now = store.clock.now().millisecondsSince1970
        try await store.engine.transaction { db in
            try await db.raw("""
                UPDATE messages SET lease_until = \(bind: now + Int64(lease * 1000))
                WHERE id IN (\(binds: ids)) AND status = 'scheduled' AND claimed_by = \(bind: worker)
                """).run()
        }
    }

    /// Lets go of `worker`'s claims on `ids` that were not handed off, so they go at the next pass
    /// (or the next instance's) instead of when the lease lapses.
    public func release(_ ids: [Int64], worker: String) async throws {
        guard !ids.isEmpty else { return }
        try await store.engine.transaction { db in
            try await db.raw("""
                UPDATE messages SET lease_until = NULL, claimed_by = NULL
                WHERE id IN (\(binds: ids)) AND status = 'scheduled' AND claimed_by = \(bind: worker)
                """).run()
        }
    }

    /// Moves handed-off texts whose send call never reported back (the process died mid-call, or
    /// the answer was never recorded) to `unknown`: never resent blindly; the provider's records,
    /// a status callback or staff settle them. Claimed texts that were never handed off are not
    /// touched: they are still `scheduled`, and claimable again once their lease lapses.
    /// Returns how many.
    public func expireLeases(checkAfter: TimeInterval = 60) async throws -> Int {
        let now = store.clock.now()
        let from = MessageTransition.sources(of: .leaseExpired).map(\.rawValue)
        guard case .to(let target) = MessageTransition.apply(.leaseExpired, to: .sending) else { return 0 }
        return try await store.engine.transaction { db in
            let rows = try await db.raw("""
                UPDATE messages SET status = \(bind: target.rawValue), reason = \(bind: MessageReason.leaseExpired),
                    updated_at = \(bind: now.millisecondsSince1970), lease_until = NULL,
                    check_after = \(bind: now.addingTimeInterval(checkAfter).millisecondsSince1970)
                WHERE status IN (\(binds: from)) AND lease_until < \(bind: now.millisecondsSince1970)
                RETURNING id, venue_id, customer_id, kind
                """).all()
            guard !rows.isEmpty else { return 0 }
            let ids = try rows.map { try $0.decode(column: "id", as: Int64.self) }
            try await db.raw("""
                UPDATE message_attempts SET finished_at = \(bind: now.millisecondsSince1970), outcome = 'lost',
                    detail = 'handed to the provider, but no outcome was recorded before its lease ran out (a crash?)'
                WHERE message_id IN (\(binds: ids)) AND finished_at IS NULL
                """).run()
            let journal = JournalWriter(db: db, actor: .system, at: now)
            try await journal.appendAll(try rows.map { row in
                JournalWriter.Entry(
                    venueId: try row.decode(column: "venue_id", as: Int64.self), customerId: try row.decode(column: "customer_id", as: Int64?.self),
                    subjectId: try row.decode(column: "id", as: Int64.self),
                    event: .messageMoved(.messageUnknown, MessageMoved(
                        kind: MessageKind(rawValue: try row.decode(column: "kind", as: String.self)), reason: MessageReason.leaseExpired)))
            })
            return rows.count
        }
    }

    /// `unknown` texts due for a question to their provider, oldest check first.
    public func unsettled(limit: Int) async throws -> [Message] {
        let now = store.clock.now().millisecondsSince1970
        return try await store.engine.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: Messages.columns) FROM messages
                WHERE status = 'unknown' AND check_after <= \(bind: now) AND handed_off_at IS NOT NULL
                ORDER BY check_after, id LIMIT \(bind: limit)
                """).all().map(Messages.decode)
        }
    }

    /// The next moment after now at which the dispatcher has something to do: a scheduled text
    /// falls due, an in-flight text's lease lapses, or a lost outcome is due a check (the test
    /// clock steps through these). Nil when nothing is waiting.
    public func nextMoment() async throws -> Date? {
        let now = store.clock.now().millisecondsSince1970
        return try await store.engine.read { db in
            let row = try await db.raw("""
                SELECT (SELECT MIN(scheduled_for) FROM messages WHERE status = 'scheduled' AND scheduled_for > \(bind: now)) AS due,
                       (SELECT MIN(lease_until) + 1 FROM messages WHERE status = 'sending' AND lease_until >= \(bind: now)) AS lease,
                       (SELECT MIN(check_after) FROM messages WHERE status = 'unknown' AND check_after > \(bind: now)) AS checks
                """).first()
            let moments = try ["due", "lease", "checks"].compactMap { try row?.decode(column: $0, as: Int64?.self) }
            return moments.min().map { Date(millisecondsSince1970: $0) }
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
                let venue = try Venues.decode(row)
                let settings = try SealedSettings.open(text, venueId: venue.id, keyring: store.keyring)
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
