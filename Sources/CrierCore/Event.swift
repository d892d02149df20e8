import Foundation

/// Something customers book: a quiz night, a gig, a private hire.
public struct Event: Sendable, Equatable {
    public var id: Int64
    public var venueId: Int64
    public var name: String
    public var startsAt: Date
    public var endsAt: Date?
    /// Seats available; nil = unlimited. Reminder-only bookings (0 seats) never count.
    public var capacity: Int?
    public var status: EventStatus
    public var description: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, venueId: Int64, name: String, startsAt: Date, endsAt: Date?, capacity: Int?,
        status: EventStatus, description: String?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.venueId = venueId
        self.name = name
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.capacity = capacity
        self.status = status
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Whether an event is going ahead.
public enum EventStatus: String, Sendable, Codable, CaseIterable {
    case scheduled
    case cancelled
}

/// An event's fields as typed: times as text, read in the venue's zone.
public struct EventInput: Sendable, Equatable {
    public var name: String?
    public var startsAt: String?
    public var endsAt: String?
    public var capacity: Int?
    public var description: String?

    public init(name: String?, startsAt: String?, endsAt: String? = nil, capacity: Int? = nil, description: String? = nil) {
        self.name = name
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.capacity = capacity
        self.description = description
    }

    /// The input that reproduces an existing event (times as RFC 3339).
    public init(_ event: Event, zone: TimeZone) {
        self.init(
            name: event.name, startsAt: EventTime.rfc3339(event.startsAt, in: zone),
            endsAt: event.endsAt.map { EventTime.rfc3339($0, in: zone) }, capacity: event.capacity,
            description: event.description)
    }

    /// Largest capacity accepted: beyond it a typo is likelier than a stadium.
    public static let maxCapacity = 100_000

    /// Checks every field; `now` guards against events placed in the past (usually a wrong year).
    public func validated(zone: TimeZone, now: Date, allowPastStart: Bool = false) throws(FieldErrors) -> EventFields {
        var errors = FieldErrors()
        let name = Text.required(name, field: "name", max: 200, errors: &errors)
        var start: Date?
        if let raw = startsAt, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            switch EventTime.parse(raw, in: zone) {
            case .success(let date):
                if date <= now && !allowPastStart { errors.add("starts_at", "must be in the future") } else { start = date }
            case .failure(let error): errors.add("starts_at", error.message)
            }
        } else {
            errors.add("starts_at", "is required")
        }
        var end: Date?
        if let raw = endsAt, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            switch EventTime.parse(raw, in: zone) {
            case .success(let date):
                if let start, date <= start { errors.add("ends_at", "must be after starts_at") } else { end = date }
            case .failure(let error): errors.add("ends_at", error.message)
            }
        }
        if let capacity, capacity < 0 || capacity > Self.maxCapacity {
            errors.add("capacity", "must be between 0 and \(Self.maxCapacity), or null for unlimited")
        }
        let description = Text.optional(description, field: "description", max: 5000, multiline: true, errors: &errors)
        try errors.throwIfAny()
        return EventFields(name: name!, startsAt: start!, endsAt: end, capacity: capacity, description: description)
    }
}

/// An event's validated, storable fields.
public struct EventFields: Sendable, Equatable {
    public var name: String
    public var startsAt: Date
    public var endsAt: Date?
    public var capacity: Int?
    public var description: String?

    public init(name: String, startsAt: Date, endsAt: Date?, capacity: Int?, description: String?) {
        self.name = name
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.capacity = capacity
        self.description = description
    }
}
