import CrierCore
import Foundation
import SQLKit

/// Queues and withdraws outbound messages inside the transaction of the change that causes them,
/// so a booking and its texts commit together or not at all. The idempotency key's unique index
/// makes a second queueing of the same cause a no-op (the "17 copies" lesson).
struct Outbox {
    let db: any SQLDatabase
    let journal: JournalWriter
    var now: Date { journal.at }

    /// Queues a message; returns false when one with the same key already exists.
    @discardableResult
    func enqueue(
        venueId: Int64, customerId: Int64?, bookingId: Int64?, eventId: Int64?, kind: MessageKind, to: PhoneNumber,
        key: String, at: Date, deadline: Date? = nil, skippedBecause reason: String? = nil, body: String? = nil
    ) async throws -> Bool {
        let status: MessageStatus = reason == nil ? .scheduled : .skipped
        let rows = try await db.raw("""
            INSERT INTO messages (venue_id, customer_id, booking_id, event_id, direction, kind, status, reason, to_number, body,
                idempotency_key, scheduled_for, deadline, attempts, created_at, updated_at)
            VALUES (\(bind: venueId), \(bind: customerId), \(bind: bookingId), \(bind: eventId), 'out', \(bind: kind.rawValue),
                \(bind: status.rawValue), \(bind: reason), \(bind: to.e164), \(bind: body), \(bind: key), \(bind: at.millisecondsSince1970),
                \(bind: deadline?.millisecondsSince1970), 0, \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970))
            ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id
            """).all()
        guard let id = try rows.first?.decode(column: "id", as: Int64.self) else { return false }
        try await journal.append(
            venueId: venueId, customerId: customerId, subjectId: id,
            .messageMoved(reason == nil ? .messageQueued : .messageSkipped, MessageMoved(kind: kind, reason: reason, bookingId: bookingId, scheduledFor: at)))
        return true
    }

    /// A new booking's texts: the confirmation now, and both reminders at their due times (or
    /// skipped when already past: the confirmation covers them).
    func bookingCreated(_ booking: Booking, event: Event, venue: Venue, to mobile: PhoneNumber) async throws {
        try await enqueue(
            venueId: venue.id, customerId: booking.customerId, bookingId: booking.id, eventId: event.id, kind: .confirmation,
            to: mobile, key: "confirmation:booking:\(booking.id)", at: now)
        try await scheduleReminders(booking, event: event, venue: venue, to: mobile)
    }

    /// Queues the two reminders of an active booking; ones already due are recorded as skipped.
    func scheduleReminders(_ booking: Booking, event: Event, venue: Venue, to mobile: PhoneNumber) async throws {
        let schedule = ReminderSchedule(zone: venue.timeZone, quietHours: venue.quietHours)
        for kind in MessageKind.reminders {
            let due = schedule.due(kind, start: event.startsAt)
            try await enqueue(
                venueId: venue.id, customerId: booking.customerId, bookingId: booking.id, eventId: event.id, kind: kind,
                to: mobile, key: "\(kind.rawValue):booking:\(booking.id)", at: max(due, now),
                deadline: schedule.deadline(kind, due: due, start: event.startsAt),
                skippedBecause: due <= now ? MessageReason.bookedAfterDue : nil)
        }
    }

    /// Withdraws every still-pending message matching `scope`, recording why. Returns how many.
    @discardableResult
    func withdrawPending(_ scope: Scope, as status: MessageStatus = .cancelled, reason: String, kinds: [MessageKind]? = nil)
        async throws -> Int
    {
        // Claimed texts are still scheduled, so a withdrawal covers them too: the hand-off checks
        // the status again and lets them go.
        let from = MessageTransition.sources(of: .withdraw(status)).map(\.rawValue)
        var sql = SQLQueryString("""
            UPDATE messages SET status = \(bind: status.rawValue), reason = \(bind: reason), updated_at = \(bind: now.millisecondsSince1970),
                lease_until = NULL, claimed_by = NULL
            WHERE status IN (\(binds: from)) AND direction = 'out' AND
            """)
        switch scope {
        case .booking(let id): sql += " booking_id = \(bind: id)"
        case .customer(let id): sql += " customer_id = \(bind: id)"
        case .event(let id): sql += " event_id = \(bind: id)"
        }
        if let kinds { sql += " AND kind IN (\(binds: kinds.map(\.rawValue)))" }
        sql += " RETURNING id, venue_id, customer_id, kind"
        let rows = try await db.raw(sql).all()
        for row in rows {
            try await journal.append(
                venueId: try row.decode(column: "venue_id", as: Int64.self),
                customerId: try row.decode(column: "customer_id", as: Int64?.self),
                subjectId: try row.decode(column: "id", as: Int64.self),
                .messageMoved(status == .skipped ? .messageSkipped : .messageCancelled,
                              MessageMoved(kind: MessageKind(rawValue: try row.decode(column: "kind", as: String.self)), reason: reason)))
        }
        return rows.count
    }

    /// After an event moves: pending reminders get their new due times (a time already passed is
    /// skipped); sent ones stay sent.
    func retimeReminders(event: Event, venue: Venue) async throws {
        let schedule = ReminderSchedule(zone: venue.timeZone, quietHours: venue.quietHours)
        for kind in MessageKind.reminders {
            let due = schedule.due(kind, start: event.startsAt)
            if due <= now {
                try await withdrawPending(.event(event.id), as: .skipped, reason: MessageReason.eventMovedPastDue, kinds: [kind])
            } else {
                try await db.raw("""
                    UPDATE messages SET scheduled_for = \(bind: due.millisecondsSince1970),
                        deadline = \(bind: schedule.deadline(kind, due: due, start: event.startsAt).millisecondsSince1970),
                        updated_at = \(bind: now.millisecondsSince1970)
                    WHERE event_id = \(bind: event.id) AND status = 'scheduled' AND kind = \(bind: kind.rawValue)
                    """).run()
            }
        }
    }

    /// Which messages a withdrawal applies to.
    enum Scope {
        case booking(Int64), customer(Int64), event(Int64)
    }
}
