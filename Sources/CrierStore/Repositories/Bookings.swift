import CrierCore
import Foundation
import SQLKit

/// What a booking list may be narrowed to.
public struct BookingFilter: Sendable {
    public var customerId: Int64?
    public var eventId: Int64?
    public var status: BookingStatus?
    /// true: only reminder-only (0 seats); false: only bookings holding seats; nil: both.
    public var reminderOnly: Bool?

    public init(customerId: Int64? = nil, eventId: Int64? = nil, status: BookingStatus? = nil, reminderOnly: Bool? = nil) {
        self.customerId = customerId
        self.eventId = eventId
        self.status = status
        self.reminderOnly = reminderOnly
    }
}

/// Bookings: one active booking per customer per event; capacity checked inside the transaction
/// with the event row locked, so two requests for the last seat can never both succeed.
public struct Bookings: Sendable {
    let store: Store

    static let columns = "id, venue_id, customer_id, event_id, seats, notes, status, source, created_at, updated_at, cancelled_at"

    public func create(
        venue: Venue, customerId: Int64?, eventId: Int64?, seats: Int?, notes: String?, source: BookingSource, actor: Actor
    ) async throws -> Booking {
        var errors = FieldErrors()
        if customerId == nil { errors.add("customer_id", "is required") }
        if eventId == nil { errors.add("event_id", "is required") }
        let valid: (seats: Int, notes: String?)?
        do throws(FieldErrors) { valid = try BookingRules.validate(seats: seats, notes: notes) } catch {
            for (field, message) in error.fields { errors.add(field, message) }
            valid = nil
        }
        guard errors.isEmpty, let customerId, let eventId, let valid else { throw CrierError.invalid(errors) }
        let now = store.clock.now()
        return try await store.retryingAfterRace {
            try await store.engine.transaction { db in
                let event: Event
                do { event = try await Events.fetch(db, venueId: venue.id, id: eventId, lock: true) } catch CrierError.notFound {
                    throw CrierError.invalid(FieldErrors("event_id", "is not an event of this venue"))
                }
                let customer: Customer
                do { customer = try await Customers.fetch(db, venueId: venue.id, id: customerId) } catch CrierError.notFound {
                    throw CrierError.invalid(FieldErrors("customer_id", "is not a customer of this venue"))
                }
                try Self.refuseClosedEvent(event, now: now)
                if let row = try await db.raw("""
                    SELECT id FROM bookings WHERE customer_id = \(bind: customerId) AND event_id = \(bind: eventId) AND status = 'active'
                    """).first() {
                    let existing = try row.decode(column: "id", as: Int64.self)
                    throw CrierError.conflict(
                        code: "booking_exists", message: "this customer already has an active booking (\(existing)) for \(event.name)",
                        fields: ["event_id": "already booked by this customer (booking \(existing))"],
                        details: ["existing_booking_id": .number(Double(existing))])
                }
                try await Self.refuseOverCapacity(db, event: event, current: 0, requested: valid.seats)
                let id = try await db.insertReturningID("""
                    INSERT INTO bookings (venue_id, customer_id, event_id, seats, notes, status, source, created_at, updated_at)
                    VALUES (\(bind: venue.id), \(bind: customerId), \(bind: eventId), \(bind: valid.seats), \(bind: valid.notes),
                            'active', \(bind: source.rawValue), \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970))
                    """)
                let journal = JournalWriter(db: db, actor: actor, at: now)
                try await journal.append(
                    venueId: venue.id, customerId: customerId, subjectId: id,
                    .bookingCreated(BookingCreated(eventId: eventId, eventName: event.name, seats: valid.seats, notes: valid.notes, source: source)))
                let booking = Booking(
                    id: id, venueId: venue.id, customerId: customerId, eventId: eventId, seats: valid.seats, notes: valid.notes,
                    status: .active, source: source, createdAt: now, updatedAt: now, cancelledAt: nil)
                try await Outbox(db: db, journal: journal)
                    .bookingCreated(booking, event: event, venue: venue, to: customer.mobile)
                return booking
            }
        }
    }

    public func get(venueId: Int64, id: Int64) async throws -> Booking {
        try await store.engine.read { db in try await Self.fetch(db, venueId: venueId, id: id) }
    }

    /// Changes seats and/or notes of an active booking (nil = keep; `notes: .some(nil)` clears),
    /// and with `cancel` cancels it too: all in one transaction, so a failure leaves neither.
    public func update(venueId: Int64, id: Int64, seats: Int?, notes: String??, cancel: Bool = false, actor: Actor) async throws -> Booking {
        let now = store.clock.now()
        return try await store.engine.transaction { db in
            let booking = seats == nil && notes == nil
                ? try await Self.fetch(db, venueId: venueId, id: id)
                : try await Self.change(db, venueId: venueId, id: id, seats: seats, notes: notes, actor: actor, now: now)
            return cancel ? try await Self.cancel(db, venueId: venueId, id: id, actor: actor, now: now) : booking
        }
    }

    static func change(_ db: any SQLDatabase, venueId: Int64, id: Int64, seats: Int?, notes: String??, actor: Actor, now: Date) async throws -> Booking {
        var booking = try await Self.fetch(db, venueId: venueId, id: id)
        let valid: (seats: Int, notes: String?)
        do throws(FieldErrors) { valid = try BookingRules.validate(seats: seats ?? booking.seats, notes: notes ?? booking.notes) } catch {
            throw CrierError.invalid(error)
        }
        guard valid.seats != booking.seats || valid.notes != booking.notes else { return booking }
        guard booking.status == .active else {
            throw CrierError.conflict(code: "booking_cancelled", message: "a cancelled booking can't be changed")
        }
        let event = try await Events.fetch(db, venueId: venueId, id: booking.eventId, lock: true)
        if valid.seats != booking.seats {
            try Self.refuseClosedEvent(event, now: now)
            try await Self.refuseOverCapacity(db, event: event, current: booking.seats, requested: valid.seats)
        }
        try await db.raw("""
            UPDATE bookings SET seats = \(bind: valid.seats), notes = \(bind: valid.notes), updated_at = \(bind: now.millisecondsSince1970)
            WHERE id = \(bind: id)
            """).run()
        let journal = JournalWriter(db: db, actor: actor, at: now)
        let change = BookingChanged(
            eventId: booking.eventId, eventName: event.name, seats: .between(booking.seats, valid.seats), notes: .between(booking.notes, valid.notes))
        if !change.isEmpty {
            let entry = try await journal.append(venueId: venueId, customerId: booking.customerId, subjectId: id, .bookingChanged(change))
            let customer = try await Customers.fetch(db, venueId: venueId, id: booking.customerId)
            try await Outbox(db: db, journal: journal).enqueue(
                venueId: venueId, customerId: booking.customerId, bookingId: id, eventId: booking.eventId, kind: .bookingChanged,
                to: customer.mobile, key: "booking_changed:booking:\(id):\(entry)", at: now)
        }
        booking.seats = valid.seats
        booking.notes = valid.notes
        booking.updatedAt = now
        return booking
    }

    /// Cancels an active booking; cancelling a cancelled booking changes nothing.
    public func cancel(venueId: Int64, id: Int64, actor: Actor) async throws -> Booking {
        let now = store.clock.now()
        return try await store.engine.transaction { db in try await Self.cancel(db, venueId: venueId, id: id, actor: actor, now: now) }
    }

    static func cancel(_ db: any SQLDatabase, venueId: Int64, id: Int64, actor: Actor, now: Date) async throws -> Booking {
        var booking = try await Self.fetch(db, venueId: venueId, id: id)
        guard booking.status == .active else { return booking }
        try await db.raw("""
            UPDATE bookings SET status = 'cancelled', cancelled_at = \(bind: now.millisecondsSince1970),
                updated_at = \(bind: now.millisecondsSince1970) WHERE id = \(bind: id)
            """).run()
        let journal = JournalWriter(db: db, actor: actor, at: now)
        try await journal.append(
            venueId: venueId, customerId: booking.customerId, subjectId: id,
            .bookingCancelled(BookingCancelled(eventId: booking.eventId, seats: booking.seats)))
        let outbox = Outbox(db: db, journal: journal)
        try await outbox.withdrawPending(.booking(id), reason: MessageReason.bookingCancelled)
        let customer = try await Customers.fetch(db, venueId: venueId, id: booking.customerId)
        try await outbox.enqueue(
            venueId: venueId, customerId: booking.customerId, bookingId: id, eventId: booking.eventId, kind: .bookingCancelled,
            to: customer.mobile, key: "booking_cancelled:booking:\(id)", at: now)
        booking.status = .cancelled
        booking.cancelledAt = now
        booking.updatedAt = now
        return booking
    }

    public func delete(venueId: Int64, id: Int64, actor: Actor) async throws {
        let now = store.clock.now()
        try await store.engine.transaction { db in
            let booking = try await Self.fetch(db, venueId: venueId, id: id)
            let journal = JournalWriter(db: db, actor: actor, at: now)
            try await Outbox(db: db, journal: journal).withdrawPending(.booking(id), reason: MessageReason.bookingDeleted)
            try await db.raw("DELETE FROM bookings WHERE id = \(bind: id)").run()
            try await journal.append(
                venueId: venueId, customerId: booking.customerId, subjectId: id,
                .bookingDeleted(BookingDeleted(eventId: booking.eventId, seats: booking.seats, status: booking.status)))
        }
    }

    /// Bookings matching `filter`, oldest first.
    public func list(venueId: Int64, filter: BookingFilter, cursor: String?, limit: Int) async throws -> Page<Booking> {
        let after = try cursor.map { c throws(CrierError) in try Cursor.decode(c, count: 1) }
        return try await store.engine.read { db in
            var sql = SQLQueryString("SELECT \(unsafeRaw: Self.columns) FROM bookings WHERE venue_id = \(bind: venueId)")
            if let c = filter.customerId { sql += " AND customer_id = \(bind: c)" }
            if let e = filter.eventId { sql += " AND event_id = \(bind: e)" }
            if let s = filter.status { sql += " AND status = \(bind: s.rawValue)" }
            if let r = filter.reminderOnly { sql += SQLQueryString(r ? " AND seats = 0" : " AND seats > 0") }
            if let id = after?[0].int64Value { sql += " AND id > \(bind: id)" }
            sql += " ORDER BY id LIMIT \(bind: limit + 1)"
            return Page(rows: try await db.raw(sql).all().map(Self.decode), limit: limit) { [.number(Double($0.id))] }
        }
    }

    /// Every booking of a customer with its event, soonest event first (for the customer page and API detail).
    public func withEvents(venueId: Int64, customerId: Int64) async throws -> [(booking: Booking, event: Event)] {
        try await store.engine.read { db in
            let bookings = try await db.raw("""
                SELECT \(unsafeRaw: Self.columns) FROM bookings WHERE venue_id = \(bind: venueId) AND customer_id = \(bind: customerId)
                ORDER BY id
                """).all().map(Self.decode)
            guard !bookings.isEmpty else { return [] }
            let ids = Array(Set(bookings.map(\.eventId)))
            let events = try await db.raw("""
                SELECT \(unsafeRaw: Events.columns) FROM events WHERE id IN (\(binds: ids))
                """).all().map(Events.decode)
            let byID = Dictionary(uniqueKeysWithValues: events.map { ($0.id, $0) })
            return bookings.compactMap { b in byID[b.eventId].map { (b, $0) } }
                .sorted { ($0.1.startsAt, $0.0.id) < ($1.1.startsAt, $1.0.id) }
        }
    }

    /// An event's active bookings with their customers, by customer name (for the event's page).
    public func withCustomers(venueId: Int64, eventId: Int64) async throws -> [(booking: Booking, customer: Customer)] {
        try await store.engine.read { db in
            let bookings = try await db.raw("""
                SELECT \(unsafeRaw: Self.columns) FROM bookings
                WHERE venue_id = \(bind: venueId) AND event_id = \(bind: eventId) AND status = 'active' ORDER BY id
                """).all().map(Self.decode)
            guard !bookings.isEmpty else { return [] }
            let customers = try await db.raw("""
                SELECT \(unsafeRaw: Customers.columns) FROM customers WHERE id IN (\(binds: Array(Set(bookings.map(\.customerId)))))
                """).all().map(Customers.decode)
            let byID = Dictionary(uniqueKeysWithValues: customers.map { ($0.id, $0) })
            return bookings.compactMap { b in byID[b.customerId].map { (b, $0) } }
                .sorted { ($0.1.lastName, $0.1.firstName, $0.0.id) < ($1.1.lastName, $1.1.firstName, $1.0.id) }
        }
    }

    static func refuseClosedEvent(_ event: Event, now: Date) throws {
        if event.status == .cancelled {
            throw CrierError.conflict(code: "event_cancelled", message: "\(event.name) is cancelled",
                                      fields: ["event_id": "is cancelled"])
        }
        if event.startsAt <= now {
            throw CrierError.conflict(code: "event_started", message: "\(event.name) has already started",
                                      fields: ["event_id": "has already started"])
        }
    }

    static func refuseOverCapacity(_ db: any SQLDatabase, event: Event, current: Int, requested: Int) async throws {
        guard event.capacity != nil else { return }
        let booked = try await Events.summaries(db, [event])[0].seatsBooked
        if let left = BookingRules.shortfall(capacity: event.capacity, booked: booked, current: current, requested: requested) {
            let message = left == 0 ? "\(event.name) is full" : "only \(left) seat\(left == 1 ? "" : "s") left for \(event.name)"
            throw CrierError.conflict(
                code: "capacity_exceeded", message: message,
                fields: ["seats": left == 0 ? "no seats left (a 0-seat reminder-only booking is still possible)" : "only \(left) left"],
                details: ["seats_left": .number(Double(left)), "capacity": .from(event.capacity)])
        }
    }

    static func fetch(_ db: any SQLDatabase, venueId: Int64, id: Int64) async throws -> Booking {
        guard let row = try await db.raw("""
            SELECT \(unsafeRaw: columns) FROM bookings WHERE id = \(bind: id) AND venue_id = \(bind: venueId)
            """).first()
        else { throw CrierError.notFound("booking") }
        return try decode(row)
    }

    static func decode(_ row: any SQLRow) throws -> Booking {
        Booking(
            id: try row.decode(column: "id", as: Int64.self),
            venueId: try row.decode(column: "venue_id", as: Int64.self),
            customerId: try row.decode(column: "customer_id", as: Int64.self),
            eventId: try row.decode(column: "event_id", as: Int64.self),
            seats: try row.decode(column: "seats", as: Int.self),
            notes: try row.decode(column: "notes", as: String?.self),
            status: BookingStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .active,
            source: BookingSource(rawValue: try row.decode(column: "source", as: String.self)) ?? .api,
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)),
            cancelledAt: try row.decode(column: "cancelled_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)))
    }
}
