import Foundation

/// A customer's place at an event. Zero seats is a reminder-only booking: the customer gets the
/// reminders but holds no seat.
public struct Booking: Sendable, Equatable {
    public var id: Int64
    public var venueId: Int64
    public var customerId: Int64
    public var eventId: Int64
    public var seats: Int
    public var notes: String?
    public var status: BookingStatus
    public var source: BookingSource
    public var createdAt: Date
    public var updatedAt: Date
    public var cancelledAt: Date?

    public init(
        id: Int64, venueId: Int64, customerId: Int64, eventId: Int64, seats: Int, notes: String?,
        status: BookingStatus, source: BookingSource, createdAt: Date, updatedAt: Date, cancelledAt: Date?
    ) {
        self.id = id
        self.venueId = venueId
        self.customerId = customerId
        self.eventId = eventId
        self.seats = seats
        self.notes = notes
        self.status = status
        self.source = source
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.cancelledAt = cancelledAt
    }

    /// True for a booking that holds no seat and exists for the reminders.
    public var isReminderOnly: Bool { seats == 0 }
}

/// Whether a booking still stands.
public enum BookingStatus: String, Sendable, Codable, CaseIterable {
    case active
    case cancelled
}

/// Where a booking came from.
public enum BookingSource: String, Sendable, Codable, CaseIterable {
    case staff, api, sms, `import`
}

/// Booking rules that do not need storage.
public enum BookingRules {
    /// Most seats one booking may hold.
    public static let maxSeats = 1000

    /// Checks seats and notes; reports all problems at once.
    public static func validate(seats: Int?, notes: String?) throws(FieldErrors) -> (seats: Int, notes: String?) {
        var errors = FieldErrors()
        if let seats {
            if seats < 0 { errors.add("seats", "must be 0 or more (0 = reminder only)") }
            else if seats > maxSeats { errors.add("seats", "must be at most \(maxSeats)") }
        } else {
            errors.add("seats", "is required (0 = reminder only)")
        }
        let notes = Text.optional(notes, field: "notes", max: 2000, multiline: true, errors: &errors)
        try errors.throwIfAny()
        return (seats!, notes)
    }

    /// Seats left for others when `requested` seats replace `current` ones; nil capacity = unlimited.
    /// Returns nil when the change fits, or the number of seats that could be taken when it doesn't.
    public static func shortfall(capacity: Int?, booked: Int, current: Int, requested: Int) -> Int? {
        guard let capacity, requested > current else { return nil }
        let available = capacity - (booked - current)
        return requested <= available ? nil : max(0, available)
    }
}
