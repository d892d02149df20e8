/// The kinds of journal entry Crier writes, as stored in the `kind` column. The raw values
/// never change: entries written by every earlier version carry them.
public enum JournalKind: String, Sendable, Codable, CaseIterable {
    case venueCreated = "venue.created"
    case venueChanged = "venue.changed"
    case customerCreated = "customer.created"
    case customerChanged = "customer.changed"
    case customerDeleted = "customer.deleted"
    case customerErased = "customer.erased"
    case eventCreated = "event.created"
    case eventChanged = "event.changed"
    case eventCancelled = "event.cancelled"
    case eventDeleted = "event.deleted"
    case bookingCreated = "booking.created"
    case bookingChanged = "booking.changed"
    case bookingCancelled = "booking.cancelled"
    case bookingDeleted = "booking.deleted"
    case consentGranted = "consent.granted"
    case consentRevoked = "consent.revoked"
    case messageQueued = "message.queued"
    case messageSkipped = "message.skipped"
    case messageCancelled = "message.cancelled"
    case messageSuppressed = "message.suppressed"
    case messageSent = "message.sent"
    case messageDelivered = "message.delivered"
    case messageUndelivered = "message.undelivered"
    case messageFailed = "message.failed"
    case messageUnknown = "message.unknown"
    case messageReceived = "message.received"
    case messageLinked = "message.linked"
    case staffAdded = "staff.added"
    case staffRoleChanged = "staff.role_changed"
    case staffRemoved = "staff.removed"
    case staffInvited = "staff.invited"
    case staffInvitationRevoked = "staff.invitation_revoked"
    case apiKeyCreated = "api_key.created"
    case apiKeyRevoked = "api_key.revoked"
    case templateChanged = "template.changed"
    case templateReset = "template.reset"

    /// The journal kind an outbound text's move into `status` is written as (nil: none is).
    public static func message(_ status: MessageStatus) -> JournalKind? {
        switch status {
        case .sent: return .messageSent
        case .delivered: return .messageDelivered
        case .undelivered: return .messageUndelivered
        case .failed: return .messageFailed
        case .unknown: return .messageUnknown
        case .cancelled: return .messageCancelled
        case .skipped: return .messageSkipped
        case .suppressed: return .messageSuppressed
        case .scheduled, .sending, .received: return nil
        }
    }

    /// What an entry of this kind is about (the `subject_type` column).
    public var subject: JournalSubject {
        switch self {
        case .venueCreated, .venueChanged: return .venue
        case .customerCreated, .customerChanged, .customerDeleted, .customerErased, .consentGranted, .consentRevoked: return .customer
        case .eventCreated, .eventChanged, .eventCancelled, .eventDeleted: return .event
        case .bookingCreated, .bookingChanged, .bookingCancelled, .bookingDeleted: return .booking
        case .messageQueued, .messageSkipped, .messageCancelled, .messageSuppressed, .messageSent, .messageDelivered, .messageUndelivered,
             .messageFailed, .messageUnknown, .messageReceived, .messageLinked:
            return .message
        case .staffAdded, .staffRoleChanged, .staffRemoved: return .staff
        case .staffInvited, .staffInvitationRevoked: return .invitation
        case .apiKeyCreated, .apiKeyRevoked: return .apiKey
        case .templateChanged, .templateReset: return .template
        }
    }
}

/// What a journal entry is about; its `subject_id` is that record's id.
public enum JournalSubject: String, Sendable, Codable, CaseIterable {
    case venue, customer, event, booking, message, staff, invitation, template
    case apiKey = "api_key"
}
