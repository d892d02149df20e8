import Foundation

/// One line of the append-only journal: every domain change, written in the same transaction as
/// the change. It is the audit log, the source of timelines and what plugin projections consume.
public struct JournalEntry: Sendable, Equatable {
    /// Increasing within the install: the order projections consume entries in.
    public var id: Int64
    public var venueId: Int64
    public var customerId: Int64?
    /// `customer.created`, `booking.cancelled`... (see `JournalKind`).
    public var kind: String
    /// What changed: `customer`, `event`, `booking`, `venue`.
    public var subjectType: String
    public var subjectId: Int64
    public var data: JSONValue
    /// Who did it: `api_key:3`, `staff:1`, `cli`, `system`.
    public var actor: String
    public var createdAt: Date

    public init(
        id: Int64, venueId: Int64, customerId: Int64?, kind: String, subjectType: String, subjectId: Int64,
        data: JSONValue, actor: String, createdAt: Date
    ) {
        self.id = id
        self.venueId = venueId
        self.customerId = customerId
        self.kind = kind
        self.subjectType = subjectType
        self.subjectId = subjectId
        self.data = data
        self.actor = actor
        self.createdAt = createdAt
    }
}

/// The journal kinds Crier writes. Plugins match on these strings, so they never change.
public enum JournalKind {
    public static let venueCreated = "venue.created"
    public static let venueChanged = "venue.changed"
    public static let customerCreated = "customer.created"
    public static let customerChanged = "customer.changed"
    public static let customerDeleted = "customer.deleted"
    public static let eventCreated = "event.created"
    public static let eventChanged = "event.changed"
    public static let eventCancelled = "event.cancelled"
    public static let eventDeleted = "event.deleted"
    public static let bookingCreated = "booking.created"
    public static let bookingChanged = "booking.changed"
    public static let bookingCancelled = "booking.cancelled"
    public static let bookingDeleted = "booking.deleted"
    public static let consentGranted = "consent.granted"
    public static let consentRevoked = "consent.revoked"
    public static let messageQueued = "message.queued"
    public static let messageSkipped = "message.skipped"
    public static let messageCancelled = "message.cancelled"
    public static let messageSuppressed = "message.suppressed"
    public static let messageSent = "message.sent"
    public static let messageDelivered = "message.delivered"
    public static let messageUndelivered = "message.undelivered"
    public static let messageFailed = "message.failed"
    public static let messageUnknown = "message.unknown"
    public static let messageReceived = "message.received"
    public static let messageLinked = "message.linked"
    public static let staffAdded = "staff.added"
    public static let staffRoleChanged = "staff.role_changed"
    public static let staffRemoved = "staff.removed"
}

/// Who made a change, as recorded in the journal.
public enum Actor: Sendable, Equatable, CustomStringConvertible {
    case apiKey(Int64)
    case staff(Int64)
    case cli
    case system

    public var description: String {
        switch self {
        case .apiKey(let id): return "api_key:\(id)"
        case .staff(let id): return "staff:\(id)"
        case .cli: return "cli"
        case .system: return "system"
        }
    }
}
