import CrierPluginKit

// The contacts tables column by column, for the projection's batches (`TableRow`).

extension Contact: TableRow {
    static let table = "contacts"
    static let columns = [
        "customer_id", "venue_id", "first_name", "last_name", "mobile", "sort_name", "search", "bookings", "active_seats",
        "reminder_only", "cancellations", "messages_in", "messages_out", "first_at", "last_at", "last_reply_at", "last_reply_id",
        "opted_out",
    ]

    init(row: any SQLRow) throws {
        self.init(
            customerId: try row.decode(column: "customer_id", as: Int64.self), venueId: try row.decode(column: "venue_id", as: Int64.self),
            firstName: try row.decode(column: "first_name", as: String.self), lastName: try row.decode(column: "last_name", as: String.self),
            mobile: try row.decode(column: "mobile", as: String.self), sortName: try row.decode(column: "sort_name", as: String.self),
            search: try row.decode(column: "search", as: String.self), bookings: try row.decode(column: "bookings", as: Int.self),
            activeSeats: try row.decode(column: "active_seats", as: Int.self), reminderOnly: try row.decode(column: "reminder_only", as: Int.self),
            cancellations: try row.decode(column: "cancellations", as: Int.self), messagesIn: try row.decode(column: "messages_in", as: Int.self),
            messagesOut: try row.decode(column: "messages_out", as: Int.self), firstAt: try row.decode(column: "first_at", as: Int64.self),
            lastAt: try row.decode(column: "last_at", as: Int64.self), lastReplyAt: try row.decode(column: "last_reply_at", as: Int64?.self),
            lastReplyId: try row.decode(column: "last_reply_id", as: Int64?.self), optedOut: try row.decode(column: "opted_out", as: Bool.self))
    }

    var values: [any Encodable & Sendable] {
        [customerId, venueId, firstName, lastName, mobile, sortName, search, bookings, activeSeats, reminderOnly, cancellations, messagesIn,
         messagesOut, firstAt, lastAt, lastReplyAt, lastReplyId, optedOut]
    }
}

extension ContactBooking: TableRow {
    static let table = "contact_bookings"
    static let columns = ["booking_id", "customer_id", "venue_id", "event_id", "seats", "active"]

    init(row: any SQLRow) throws {
        self.init(
            bookingId: try row.decode(column: "booking_id", as: Int64.self), customerId: try row.decode(column: "customer_id", as: Int64.self),
            venueId: try row.decode(column: "venue_id", as: Int64.self), eventId: try row.decode(column: "event_id", as: Int64.self),
            seats: try row.decode(column: "seats", as: Int.self), active: try row.decode(column: "active", as: Bool.self))
    }

    var values: [any Encodable & Sendable] { [bookingId, customerId, venueId, eventId, seats, active] }
}

extension ContactEvent: TableRow {
    static let table = "contact_events"
    static let columns = ["event_id", "venue_id", "name", "starts_at", "cancelled"]

    init(row: any SQLRow) throws {
        self.init(
            eventId: try row.decode(column: "event_id", as: Int64.self), venueId: try row.decode(column: "venue_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self), startsAt: try row.decode(column: "starts_at", as: Int64.self),
            cancelled: try row.decode(column: "cancelled", as: Bool.self))
    }

    var values: [any Encodable & Sendable] { [eventId, venueId, name, startsAt, cancelled] }
}
