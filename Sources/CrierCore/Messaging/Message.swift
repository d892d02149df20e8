import Foundation

/// One SMS, in or out. Outbound messages follow `MessageTransition`; inbound ones are stored as received.
public struct Message: Sendable, Equatable {
    public var id: Int64
    public var venueId: Int64
    public var customerId: Int64?
    public var bookingId: Int64?
    public var eventId: Int64?
    public var direction: Direction
    public var kind: MessageKind
    public var status: MessageStatus
    /// Why it was cancelled, skipped, suppressed or failed (`booking_cancelled`, `stale`, `no_consent`...).
    public var reason: String?
    public var to: String
    public var from: String?
    /// Rendered when sent, from current data; nil until then for outbound messages.
    public var body: String?
    public var segments: Int?
    public var encoding: SMSEncoding?
    /// Unique per thing that causes a message (`reminder_24h:booking:42`), so it can never be created twice.
    public var idempotencyKey: String?
    public var scheduledFor: Date?
    /// After this moment it is skipped, never sent (reminders' staleness limit).
    public var deadline: Date?
    public var attempts: Int
    public var sentAt: Date?
    /// When the last attempt was handed to the provider (nil: it never reached the provider).
    public var handedOffAt: Date?
    public var providerMessageId: String?
    public var errorCode: String?
    public var createdAt: Date
    public var updatedAt: Date

    /// Which way a message travelled.
    public enum Direction: String, Sendable, Codable {
        case `in`, out
    }

    public init(
        id: Int64, venueId: Int64, customerId: Int64?, bookingId: Int64?, eventId: Int64?, direction: Direction,
        kind: MessageKind, status: MessageStatus, reason: String?, to: String, from: String?, body: String?,
        segments: Int?, encoding: SMSEncoding?, idempotencyKey: String?, scheduledFor: Date?, deadline: Date?,
        attempts: Int, sentAt: Date?, handedOffAt: Date? = nil, providerMessageId: String?, errorCode: String?, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.venueId = venueId
        self.customerId = customerId
        self.bookingId = bookingId
        self.eventId = eventId
        self.direction = direction
        self.kind = kind
        self.status = status
        self.reason = reason
        self.to = to
        self.from = from
        self.body = body
        self.segments = segments
        self.encoding = encoding
        self.idempotencyKey = idempotencyKey
        self.scheduledFor = scheduledFor
        self.deadline = deadline
        self.attempts = attempts
        self.sentAt = sentAt
        self.handedOffAt = handedOffAt
        self.providerMessageId = providerMessageId
        self.errorCode = errorCode
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Reasons recorded on messages that were withdrawn or failed. Staff see them; keep them stable.
public enum MessageReason {
    public static let bookedAfterDue = "booked_after_due"
    public static let bookingCancelled = "booking_cancelled"
    public static let bookingDeleted = "booking_deleted"
    public static let customerDeleted = "customer_deleted"
    public static let eventCancelled = "event_cancelled"
    public static let eventMovedPastDue = "event_moved_past_due"
    public static let eventStarted = "event_started"
    public static let stale = "stale"
    public static let noConsent = "no_consent"
    public static let killSwitch = "kill_switch"
    public static let floodGuard = "flood_guard"
    public static let templateError = "template_error"
    public static let leaseExpired = "lease_expired"
    public static let maxAttempts = "max_attempts"
    public static let optedOut = "opted_out"
    public static let providerRefused = "provider_refused"
    public static let sendOutcomeUnknown = "send_outcome_unknown"
    /// The provider's records have no such text, long enough after the hand-off: it goes again.
    public static let notAtProvider = "not_at_provider"
}
