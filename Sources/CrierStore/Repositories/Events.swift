import CrierCore
import Foundation
import SQLKit

/// An event with its booking counts: seats taken, bookings holding seats, reminder-only bookings.
public struct EventSummary: Sendable, Equatable {
    public var event: Event
    public var seatsBooked: Int
    public var seatedBookings: Int
    public var reminderOnlyBookings: Int

    /// Seats still free; nil when capacity is unlimited.
    public var seatsLeft: Int? { event.capacity.map { max(0, $0 - seatsBooked) } }
}

/// Which events a list shows.
public enum EventWindow: String, Sendable, CaseIterable {
    /// Starting now or later, soonest first.
    case upcoming
    /// Already started, most recent first.
    case past
    /// Everything, soonest first.
    case all
}

/// Events of one venue.
public struct Events: Sendable {
    let store: Store

    static let columns = "id, venue_id, name, starts_at, ends_at, capacity, status, description, created_at, updated_at"

    public func create(venue: Venue, input: EventInput, actor: Actor) async throws -> EventSummary {
        let now = store.clock.now()
        let fields: EventFields
        do { fields = try input.validated(zone: venue.timeZone, now: now) } catch { throw CrierError.invalid(error) }
        return try await store.engine.transaction { db in
            let id = try await db.insertReturningID("""
                INSERT INTO events (venue_id, name, starts_at, ends_at, capacity, status, description, created_at, updated_at)
                VALUES (\(bind: venue.id), \(bind: fields.name), \(bind: fields.startsAt.millisecondsSince1970),
                        \(bind: fields.endsAt?.millisecondsSince1970), \(bind: fields.capacity),
                        \(bind: EventStatus.scheduled.rawValue), \(bind: fields.description),
                        \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970))
                """)
            try await JournalWriter(db: db, actor: actor, at: now).append(
                venueId: venue.id, customerId: nil, subjectId: id, .eventCreated(Self.journalRecord(fields)))
            let event = Event(
                id: id, venueId: venue.id, name: fields.name, startsAt: fields.startsAt, endsAt: fields.endsAt,
                capacity: fields.capacity, status: .scheduled, description: fields.description, createdAt: now, updatedAt: now)
            return EventSummary(event: event, seatsBooked: 0, seatedBookings: 0, reminderOnlyBookings: 0)
        }
    }

    public func get(venueId: Int64, id: Int64) async throws -> EventSummary {
        try await store.engine.read { db in
            let event = try await Self.fetch(db, venueId: venueId, id: id, lock: false)
            return try await Self.summaries(db, [event])[0]
        }
    }

    /// Applies `change` to the event's current fields and saves. Capacity may not drop below the
    /// seats already booked; a new start must be in the future.
    /// With `cancel`, the event is cancelled too, in the same transaction: a failure leaves neither.
    public func update(
        venue: Venue, id: Int64, cancel: Bool = false, actor: Actor, change: (@Sendable (EventInput) -> EventInput)?
    ) async throws -> EventSummary {
        let now = store.clock.now()
        return try await store.engine.transaction { db in
            var summary: EventSummary
            if let change {
                summary = try await Self.change(db, venue: venue, id: id, actor: actor, now: now, change: change)
            } else {
                summary = try await Self.summaries(db, [try await Self.fetch(db, venueId: venue.id, id: id, lock: true)])[0]
            }
            if cancel { summary = try await Self.cancel(db, venueId: venue.id, id: id, textAttendees: false, actor: actor, now: now) }
            return summary
        }
    }

    /// Applies `change` to the event's current fields and saves (see `update`).
    public func update(venue: Venue, id: Int64, actor: Actor, change: @escaping @Sendable (EventInput) -> EventInput) async throws -> EventSummary {
        try await update(venue: venue, id: id, cancel: false, actor: actor, change: Optional(change))
    }

    static func change(
        _ db: any SQLDatabase, venue: Venue, id: Int64, actor: Actor, now: Date, change: @Sendable (EventInput) -> EventInput
    ) async throws -> EventSummary {
        let zone = venue.timeZone
        let old = try await Self.fetch(db, venueId: venue.id, id: id, lock: true)
        let input = change(EventInput(old, zone: zone))
        let fields: EventFields
        do throws(FieldErrors) {
            let startUnchanged = input.startsAt.flatMap { EventTime.parse($0, in: zone).ok } == old.startsAt
            fields = try input.validated(zone: zone, now: now, allowPastStart: startUnchanged)
        } catch { throw CrierError.invalid(error) }
        // Bookings don't change here: count them once, for the check and for the answer.
        var summary = try await Self.summaries(db, [old])[0]
        let booked = summary.seatsBooked
        if let capacity = fields.capacity, capacity < booked {
            throw CrierError.conflict(
                code: "capacity_below_bookings",
                message: "\(booked) seats are already booked; capacity can't be \(capacity)",
                fields: ["capacity": "must be at least \(booked): that many seats are booked"])
        }
        try await db.raw("""
            UPDATE events SET name = \(bind: fields.name), starts_at = \(bind: fields.startsAt.millisecondsSince1970),
                ends_at = \(bind: fields.endsAt?.millisecondsSince1970), capacity = \(bind: fields.capacity),
                description = \(bind: fields.description), updated_at = \(bind: now.millisecondsSince1970)
            WHERE id = \(bind: id)
            """).run()
        let before = EventFields(
            name: old.name, startsAt: old.startsAt, endsAt: old.endsAt, capacity: old.capacity, description: old.description)
        let journal = JournalWriter(db: db, actor: actor, at: now)
        let change = EventChanged(from: Self.journalRecord(before), to: Self.journalRecord(fields))
        if !change.isEmpty { try await journal.append(venueId: venue.id, customerId: nil, subjectId: id, .eventChanged(change)) }
        var event = old
        event.name = fields.name
        event.startsAt = fields.startsAt
        event.endsAt = fields.endsAt
        event.capacity = fields.capacity
        event.description = fields.description
        event.updatedAt = now
        if event.startsAt != old.startsAt {
            try await Outbox(db: db, journal: journal).retimeReminders(event: event, venue: venue)
        }
        summary.event = event
        return summary
    }

    /// Cancels an event. Its bookings stay (they record who was coming); cancelling twice changes nothing.
    /// With `textAttendees`, everyone with an active booking is sent the booking-cancelled text in the
    /// same transaction, keyed per booking, so repeating the request (or later cancelling one of the
    /// bookings) never texts anyone twice.
    public func cancel(venueId: Int64, id: Int64, textAttendees: Bool = false, actor: Actor) async throws -> EventSummary {
        let now = store.clock.now()
        return try await store.engine.transaction { db in
            try await Self.cancel(db, venueId: venueId, id: id, textAttendees: textAttendees, actor: actor, now: now)
        }
    }

    static func cancel(_ db: any SQLDatabase, venueId: Int64, id: Int64, textAttendees: Bool, actor: Actor, now: Date) async throws -> EventSummary {
        var event = try await Self.fetch(db, venueId: venueId, id: id, lock: true)
        let journal = JournalWriter(db: db, actor: actor, at: now)
        let outbox = Outbox(db: db, journal: journal)
        if event.status == .scheduled {
            try await db.raw("""
                UPDATE events SET status = \(bind: EventStatus.cancelled.rawValue), cancelled_at = \(bind: now.millisecondsSince1970),
                    updated_at = \(bind: now.millisecondsSince1970) WHERE id = \(bind: id)
                """).run()
            try await journal.append(
                venueId: venueId, customerId: nil, subjectId: id,
                .eventCancelled(EventCancelled(name: event.name, textAttendees: textAttendees)))
            try await outbox.withdrawPending(.event(id), reason: MessageReason.eventCancelled)
            event.status = .cancelled
            event.updatedAt = now
        }
        if textAttendees {
            let attendees = try await db.raw("""
                SELECT b.id, b.customer_id, c.mobile FROM bookings b JOIN customers c ON c.id = b.customer_id
                WHERE b.event_id = \(bind: id) AND b.status = 'active' ORDER BY b.id
                """).all()
            for row in attendees {
                let bookingId = try row.decode(column: "id", as: Int64.self)
                try await outbox.enqueue(
                    venueId: venueId, customerId: try row.decode(column: "customer_id", as: Int64.self), bookingId: bookingId,
                    eventId: id, kind: .bookingCancelled, to: PhoneNumber(trusted: try row.decode(column: "mobile", as: String.self)),
                    key: "booking_cancelled:booking:\(bookingId)", at: now)
            }
        }
        return try await Self.summaries(db, [event])[0]
    }

    /// Deletes an event entered by mistake. One with active bookings must be cancelled instead,
    /// so that nobody who booked is dropped without a word.
    public func delete(venueId: Int64, id: Int64, actor: Actor) async throws {
        let now = store.clock.now()
        try await store.engine.transaction { db in
            let event = try await Self.fetch(db, venueId: venueId, id: id, lock: true)
            let summary = try await Self.summaries(db, [event])[0]
            let active = summary.seatedBookings + summary.reminderOnlyBookings
            if active > 0 {
                throw CrierError.conflict(
                    code: "event_has_bookings",
                    message: "\(event.name) has \(active) active booking(s): cancel the event, or cancel its bookings first")
            }
            try await db.raw("DELETE FROM events WHERE id = \(bind: id) AND venue_id = \(bind: venueId)").run()
            try await JournalWriter(db: db, actor: actor, at: now).append(
                venueId: venueId, customerId: nil, subjectId: id, .eventDeleted(EventDeleted(name: event.name)))
        }
    }

    /// Upcoming (soonest first), past (latest first) or all events, with booking counts.
    public func list(venueId: Int64, window: EventWindow, cursor: String?, limit: Int) async throws -> Page<EventSummary> {
        let now = store.clock.now().millisecondsSince1970
        let after = try cursor.map { c throws(CrierError) in try Cursor.decode(c, count: 2) }
        return try await store.engine.read { db in
            var sql = SQLQueryString("SELECT \(unsafeRaw: Self.columns) FROM events WHERE venue_id = \(bind: venueId)")
            switch window {
            case .upcoming: sql += " AND starts_at >= \(bind: now)"
            case .past: sql += " AND starts_at < \(bind: now)"
            case .all: break
            }
            let descending = window == .past
            if let after, let start = after[0].int64Value, let id = after[1].int64Value {
                let op = descending ? "<" : ">"
                sql += """
                     AND (starts_at \(unsafeRaw: op) \(bind: start) OR (starts_at = \(bind: start) AND id \(unsafeRaw: op) \(bind: id)))
                    """
            }
            sql += SQLQueryString(descending ? " ORDER BY starts_at DESC, id DESC" : " ORDER BY starts_at, id")
            sql += " LIMIT \(bind: limit + 1)"
            let page = Page(rows: try await db.raw(sql).all().map(Self.decode), limit: limit) {
                [.number(Double($0.startsAt.millisecondsSince1970)), .number(Double($0.id))]
            }
            return try await page.map { try await Self.summaries(db, $0) }
        }
    }

    static func fetch(_ db: any SQLDatabase, venueId: Int64, id: Int64, lock: Bool) async throws -> Event {
        // FOR UPDATE serialises bookings of one event on PostgreSQL; SQLite's writer lock already does.
        let suffix = lock && db.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        guard let row = try await db.raw("""
            SELECT \(unsafeRaw: columns) FROM events WHERE id = \(bind: id) AND venue_id = \(bind: venueId)\(unsafeRaw: suffix)
            """).first()
        else { throw CrierError.notFound("event") }
        return try decode(row)
    }

    static func summaries(_ db: any SQLDatabase, _ events: [Event]) async throws -> [EventSummary] {
        guard !events.isEmpty else { return [] }
        var counts: [Int64: (seats: Int, seated: Int, reminderOnly: Int)] = [:]
        let rows = try await db.raw("""
            SELECT event_id, COALESCE(SUM(seats), 0) AS seats,
                   SUM(CASE WHEN seats > 0 THEN 1 ELSE 0 END) AS seated,
                   SUM(CASE WHEN seats = 0 THEN 1 ELSE 0 END) AS reminder_only
            FROM bookings WHERE status = 'active' AND event_id IN (\(binds: events.map(\.id)))
            GROUP BY event_id
            """).all()
        for row in rows {
            counts[try row.decode(column: "event_id", as: Int64.self)] = (
                try row.decode(column: "seats", as: Int.self), try row.decode(column: "seated", as: Int.self),
                try row.decode(column: "reminder_only", as: Int.self))
        }
        return events.map { event in
            let c = counts[event.id] ?? (0, 0, 0)
            return EventSummary(event: event, seatsBooked: c.seats, seatedBookings: c.seated, reminderOnlyBookings: c.reminderOnly)
        }
    }

    static func journalRecord(_ f: EventFields) -> EventCreated {
        EventCreated(name: f.name, startsAt: f.startsAt, endsAt: f.endsAt, capacity: f.capacity, description: f.description)
    }

    static func decode(_ row: any SQLRow) throws -> Event {
        Event(
            id: try row.decode(column: "id", as: Int64.self),
            venueId: try row.decode(column: "venue_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self),
            startsAt: Date(millisecondsSince1970: try row.decode(column: "starts_at", as: Int64.self)),
            endsAt: try row.decode(column: "ends_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
            capacity: try row.decode(column: "capacity", as: Int?.self),
            status: EventStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .scheduled,
            description: try row.decode(column: "description", as: String?.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
    }
}

extension Result {
    /// The success value, or nil.
    var ok: Success? { if case .success(let v) = self { return v } else { return nil } }
}
